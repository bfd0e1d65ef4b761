import { isSystemActor, type Actor } from '../auth/index.ts';
import { VeraError } from '../errors.ts';

/**
 * Who may create a collection with a given name. `u/<user>/...` is that user's (and admins');
 * `ci/...` and `releases/...` are Vera's own CI: builds write there and releases are tagged
 * there, so nobody else may take a name first and block them. Other names are shared.
 */
export function checkCollectionNamespace(name: string, actor: Actor): void {
  const [top, owner] = name.split('/');
  if (top === 'u') {
    if (owner === actor.name || actor.role === 'admin') return;
    throw new VeraError(
      'NAMESPACE_RESERVED',
      `collection '${name}' is in the namespace u/${owner ?? ''}/ of user '${owner ?? ''}'; yours is u/${actor.name}/`,
      { name, namespace: `u/${owner ?? ''}/`, actor: actor.name },
    );
  }
  if ((top === 'ci' || top === 'releases') && !isSystemActor(actor)) {
    throw new VeraError('NAMESPACE_RESERVED', `collection '${name}' is in the namespace ${top}/, which only Vera's CI writes; use u/${actor.name}/...`, {
      name,
      namespace: `${top}/`,
      actor: actor.name,
    });
  }
}
