import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import type { CliContext } from './index.ts';

/**
 * `vera completion bash|zsh`: a completion script listing every command, sub-command and option.
 * The tree is read from the commands themselves once, when the script is made, so completing
 * at the prompt runs no `vera` at all.
 */

interface Node {
  words: string[];
  children: Map<string, string[]>;
}

function optionWords(c: Command): string[] {
  return [...c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))), '--help'];
}

export function commandTree(program: Command): Map<string, Node> {
  const tree = new Map<string, Node>();
  for (const c of program.commands) {
    const children = new Map(c.commands.map((s) => [s.name(), optionWords(s)]));
    tree.set(c.name(), { words: [...c.commands.map((s) => s.name()), ...optionWords(c)], children });
  }
  return tree;
}

const quote = (s: string) => `"${s.replace(/["\\$`]/g, '\\$&')}"`;

export function bashScript(tree: Map<string, Node>): string {
  const cases: string[] = [`    "") words=${quote([...tree.keys(), '--help', '--version', '--profile'].join(' '))} ;;`];
  for (const [name, node] of tree) {
    cases.push(`    ${quote(name)}) words=${quote(node.words.join(' '))} ;;`);
    for (const [sub, words] of node.children) cases.push(`    ${quote(`${name} ${sub}`)}) words=${quote(words.join(' '))} ;;`);
  }
  const parents = [...tree].filter(([, n]) => n.children.size > 0).map(([k]) => k);
  return `# vera completion (bash): source it, or add \`source <(vera completion bash)\` to ~/.bashrc
_vera() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" sub="" i w words=""
  local parents=" ${parents.join(' ')} "
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ $w == -* ]] && continue
    [[ "\${COMP_WORDS[i-1]}" == --profile ]] && continue
    if [[ -z $cmd ]]; then cmd=$w
    elif [[ -z $sub && $parents == *" $cmd "* ]]; then sub=$w
    fi
  done
  local key="$cmd"
  [[ -n $sub ]] && key="$cmd $sub"
  case "$key" in
${cases.join('\n')}
  esac
  if [[ $cur == -* || -z $cmd || ( -z $sub && $parents == *" $cmd "* ) ]]; then
    COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  fi
}
complete -o default -F _vera vera
`;
}

export function zshScript(tree: Map<string, Node>): string {
  return `#compdef vera
# vera completion (zsh): add \`source <(vera completion zsh)\` to ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(tree).split('\n').slice(1).join('\n')}`;
}

export function register(program: Command, cli: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script: vera completion bash >> ~/.bashrc')
    .argument('<shell>', 'bash or zsh')
    .action(async (shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new VeraError('BAD_INPUT', `no completion for shell '${shell}'; use bash or zsh`, { shell });
      const tree = commandTree(await cli.fullProgram());
      process.stdout.write(shell === 'bash' ? bashScript(tree) : zshScript(tree));
    });
}
