sed -i "s/^\(  slug text    @unique(name: 'plans_code_key')\)\$/\1 @was(code)/" public/plans.strav
grep -q '@was(code)' public/plans.strav
