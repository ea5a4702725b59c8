# bash completion for rwb, the Resilience Workbench command line.   -*- shell-script -*-
# Installed as share/bash-completion/completions/rwb. tests/install/tst_install.cpp checks that the
# commands and options below are those that 'rwb --help' and 'rwb COMMAND --help' print.

_rwb()
{
    local cur prev words cword
    _init_completion || return

    local commands="check demo export fidelity import lint live logs replay serve simulate sweep tune validate"
    local -A options=(
        [check]="--json --help"
        [demo]="--seed --out --json --series --print --help"
        [export]="--pipeline --format --out --help"
        [import]="--format --scenario --out --help"
        [fidelity]="--json --customers --help"
        [lint]="--json --fail-on --help"
        [live]="--duration --out --json --series --seed --url --port --drain --help"
        [logs]="--count -c --format --mapping --follow -f --help"
        [replay]="--json --series --help"
        [serve]="--port --duration --max-connections --json --help"
        [simulate]="--seed --out --json --series --threads --help"
        [sweep]="--param --grid --random --lhs --design-seed --seeds --shard --threads --out --quiet --help"
        [tune]="--objective --constraint --param --budget --seeds --search-seed --threads --out --help"
        [validate]="--help"
    )

    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local command=${words[1]}

    # values of the options that take one
    case $prev in
        --out)
            case $command in
                tune) _filedir json ;;
                export | import) _filedir ;;
                *) _filedir jsonl ;;
            esac
            return
            ;;
        --format)
            case $command in
                export) COMPREPLY=($(compgen -W "resilience4j polly opossum cockatiel envoy seed004" -- "$cur")) ;;
                import) COMPREPLY=($(compgen -W "resilience4j polly opossum seed004" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "jsonl csv table" -- "$cur")) ;;
            esac
            return
            ;;
        --scenario)
            _filedir json
            return
            ;;
        --pipeline)
            return # a pipeline name of the scenario
            ;;
        --fail-on)
            COMPREPLY=($(compgen -W "info warning error" -- "$cur"))
            return
            ;;
        --mapping)
            COMPREPLY=($(compgen -W "auto workbench pino bunyan zap structlog ecs clef" -- "$cur"))
            return
            ;;
        --seed | --customers | --duration | --drain | --max-connections | --port | --url | --param | --random | --lhs | \
            --design-seed | --seeds | --shard | --threads | --objective | --constraint | --budget | --search-seed)
            return # a number, a duration or SERVICE=VALUE: nothing to offer
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${options[$command]}" -- "$cur"))
        return
    fi

    case $command in
        demo)
            [[ $cword -eq 2 ]] &&
                COMPREPLY=($(compgen -W "$("${words[0]}" demo 2>/dev/null | awk 'NF > 1 && $1 != "Run" { print $1 }')" -- "$cur"))
            ;;
        simulate | validate | live | serve | tune | export | lint | check)
            _filedir json
            ;;
        replay)
            _filedir jsonl
            ;;
        sweep)
            if [[ $cword -eq 2 ]]; then
                COMPREPLY=($(compgen -W "merge" -- "$cur"))
                _filedir json
            elif [[ ${words[2]} == merge ]]; then
                _filedir jsonl
            else
                _filedir json
            fi
            ;;
        import)
            _filedir
            ;;
        logs)
            if [[ $cword -eq 2 ]]; then
                COMPREPLY=($(compgen -W "query stats index" -- "$cur"))
            elif [[ $cword -eq 3 ]]; then
                _filedir jsonl
            fi
            ;;
    esac
} &&
    complete -F _rwb rwb
