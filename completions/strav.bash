# strav.bash - bash completion for strav, stravc and strav-run (installed by `make install`
# as share/bash-completion/completions/{strav,stravc,strav-run}). Commands and options are
# the ones the programs' --help lists; tests/install/install.t checks they stay in step.

_strav_opts_run="--scope --all-domains --batch --step --force --allow-out-of-order --no-drift-check --strict --lock-wait --verbose --quiet --session-pooler --jobs
    --targets --per-host --canary --max-failures --only --tenant-jobs --allow-passwords
    --json --database --migrations --schemas --lock-timeout --statement-timeout --no-color --help"

# The domains of the project: the folders under database/schemas (or --schemas DIR).
_strav_domains()
{
    local dir=database/schemas i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        [[ ${COMP_WORDS[i]} == --schemas ]] && dir=${COMP_WORDS[i + 1]}
    done
    [[ -d $dir ]] && (cd "$dir" && compgen -d -- "$1")
}

# Complete the argument of the option in $prev; returns 1 when prev takes no argument.
_strav_optarg()
{
    local cur=$1 prev=$2
    case $prev in
    -s | --scope) mapfile -t COMPREPLY < <(_strav_domains "$cur") ;;
    --schemas | --migrations | --out) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
    -m | --message | --batch | --step | -j | --jobs | --database | --lock-timeout | \
        --statement-timeout | --pg-schema | --version) COMPREPLY=() ;;
    *) return 1 ;;
    esac
    return 0
}

_strav()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "generate:migration migration:generate g:migration
            migrate migration:run rollback migration:rollback migration:fresh fresh
            migration:status status db:stop db:url db:pull pull db:drift drift
            migration:baseline baseline --help" -- "$cur")
        return
    fi
    _strav_optarg "$cur" "$prev" && return
    local opts=$_strav_opts_run
    case ${COMP_WORDS[1]} in
    generate:migration | migration:generate | g:migration)
        opts="--message --scope --schemas --migrations --allow-destructive --online --json --no-color --help" ;;
    db:pull | pull) opts="--database --scope --out --schemas --pg-schema --force --json --quiet --no-color --help" ;;
    db:drift | drift) opts="--database --scope --schemas --migrations --snapshot --strict --json --quiet --no-color --help" ;;
    migration:baseline | baseline) opts="--database --scope --version --migrations --strict --json --no-color --help" ;;
    esac
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}

_strav_run()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "migrate rollback fresh status stop url pull drift
            baseline --help" -- "$cur")
        return
    fi
    _strav_optarg "$cur" "$prev" && return
    local opts=$_strav_opts_run
    case ${COMP_WORDS[1]} in
    pull) opts="--database --scope --out --schemas --pg-schema --force --json --quiet --no-color --help" ;;
    drift) opts="--database --scope --schemas --migrations --snapshot --strict --json --quiet --no-color --help" ;;
    baseline) opts="--database --scope --version --migrations --strict --json --no-color --help" ;;
    esac
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}

_stravc()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} opts
    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "check model fmt generate diff lint rebase squash pull
            lsp dump --help --version" -- "$cur")
        return
    fi
    _strav_optarg "$cur" "$prev" && return
    case ${COMP_WORDS[1]} in
    check) opts="--schemas --migrations --scope --json --help" ;;
    model) opts="--json --schemas --scope --help" ;;
    fmt) opts="--check --json --help" ;;
    generate) opts="--message --scope --schemas --migrations --allow-destructive --online --json --help" ;;
    diff) opts="--scope --schemas --migrations --online --json --database --help" ;;
    rebase) opts="--scope --message --force --migrations --schemas --json --help" ;;
    squash) opts="--scope --up-to --migrations --json --help" ;;
    lint) opts="--scope --schemas --migrations --migration --json --help" ;;
    pull) opts="--database --scope --out --schemas --pg-schema --force --json --quiet --help" ;;
    lsp) opts="--help" ;;
    dump)
        if ((COMP_CWORD == 2)); then
            mapfile -t COMPREPLY < <(compgen -W "tokens ast" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -f -X '!*.strav' -- "$cur")
        fi
        return ;;
    *) return ;;
    esac
    opts="$opts --no-color"
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

complete -F _strav strav
complete -F _strav_run strav-run
complete -F _stravc stravc
