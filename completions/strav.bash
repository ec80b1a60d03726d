# strav.bash - bash completion for strav, stravc and strav-run (installed by `make install`
# as share/bash-completion/completions/{strav,stravc,strav-run}). Commands and options are
# the ones the programs' --help lists; tests/install/install.t checks they stay in step.

_strav_opts_run="--scope --batch --step --force --allow-out-of-order --no-drift-check --strict --lock-wait --verbose --session-pooler --jobs
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
        opts="--message --scope --schemas --migrations --allow-destructive --online --help" ;;
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
    mapfile -t COMPREPLY < <(compgen -W "$_strav_opts_run" -- "$cur")
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
    check) opts="--schemas --migrations --scope --help" ;;
    model) opts="--json --schemas --scope --help" ;;
    fmt) opts="--check --help" ;;
    generate) opts="--message --scope --schemas --migrations --allow-destructive --online --help" ;;
    diff) opts="--scope --schemas --migrations --online --json --database --help" ;;
    rebase) opts="--scope --message --force --migrations --schemas --help" ;;
    squash) opts="--scope --up-to --migrations --help" ;;
    lint) opts="--scope --schemas --migrations --migration --json --help" ;;
    pull) opts="--database --out --schemas --pg-schema --force" ;;
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
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

complete -F _strav strav
complete -F _strav_run strav-run
complete -F _stravc stravc
