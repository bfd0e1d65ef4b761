import type { Task } from '../../pipelines/framework/task.ts';
import { VeraError } from '../../server/errors.ts';
import { mergeConfig } from './config.ts';
import { hashConfig } from './load.ts';
import { recordedTaskModuleUrl } from './roots.ts';
import { importTaskModule } from './import-task.ts';

/** Re-validates a recorded task config with overrides, through the task's own schema. */
export async function loadTaskConfig(taskClass: string, recorded: Record<string, unknown>, override: Record<string, unknown>, label: string) {
  const hash = taskClass.lastIndexOf('#');
  const mod = (await importTaskModule(recordedTaskModuleUrl(taskClass.slice(0, hash)))) as Record<string, Task>;
  const exportName = taskClass.slice(hash + 1);
  const task = mod[exportName];
  if (!task) throw new VeraError('PIPELINE_INVALID', `task class ${taskClass} no longer exists`);
  const parsed = task.config.safeParse(mergeConfig(recorded, override));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new VeraError('CONFIG_INVALID', `task '${label}' config field '${issue.path.join('.')}': ${issue.message}`, { task: label });
  }
  const config = parsed.data as Record<string, unknown>;
  return { config, configHash: hashConfig(config) };
}
