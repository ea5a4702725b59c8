# bash completion for rwb, the Resilience Workbench command line.   -*- shell-script -*-
# Installed as share/bash-completion/completions/rwb. tests/install/tst_install.cpp checks that the
# commands and options below are those that 'rwb --help' and 'rwb COMMAND --help' print.

_rwb()
{
    local cur prev words cword
    _init_completion || return

    local commands="check demo fidelity lint live logs serve simulate validate"
    local -A options=(
        [check]="--json --help"
        [demo]="--seed --out --json --series --print --help"
        [fidelity]="--json --customers --help"
        [lint]="--json --fail-on --help"
        [live]="--duration --out --json --series --seed --url --port --drain --help"
        [logs]="--count -c --format --mapping --help"
        [serve]="--port --duration --max-connections --json --help"
        [simulate]="--seed --out --json --series --help"
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
            _filedir jsonl
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W "jsonl csv table" -- "$cur"))
            return
            ;;
        --fail-on)
            COMPREPLY=($(compgen -W "info warning error" -- "$cur"))
            return
            ;;
        --mapping)
            COMPREPLY=($(compgen -W "auto workbench pino bunyan zap structlog ecs clef" -- "$cur"))
            return
            ;;
        --seed | --customers | --duration | --drain | --max-connections | --port | --url)
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
        simulate | validate | live | serve | lint | check)
            _filedir json
            ;;
        logs)
            if [[ $cword -eq 2 ]]; then
                COMPREPLY=($(compgen -W "query stats" -- "$cur"))
            elif [[ $cword -eq 3 ]]; then
                _filedir jsonl
            fi
            ;;
    esac
} &&
    complete -F _rwb rwb
