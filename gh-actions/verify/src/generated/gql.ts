/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment BuildState on Build {\n    id repo commit ref status error regressions regressedMetrics summaryMarkdown\n    runs { name status error progress { total pending running succeeded failed blocked } }\n  }\n": typeof types.BuildStateFragmentDoc,
    "\n  mutation RequestBuild($repo: String!, $commit: String!, $ref: String!, $event: String, $prNumber: Int, $headBranch: String, $pipeline: String, $dataset: String) {\n    requestBuild(repo: $repo, commit: $commit, ref: $ref, event: $event, prNumber: $prNumber, headBranch: $headBranch, pipeline: $pipeline, dataset: $dataset) { ...BuildState }\n  }\n": typeof types.RequestBuildDocument,
    "\n  query GetBuild($id: Int!) { build(id: $id) { ...BuildState } }\n": typeof types.GetBuildDocument,
    "\n  query FailedQuanta($run: String!, $limit: Int) { run(name: $run) { quanta(status: failed, limit: $limit) { taskLabel dataId error } } }\n": typeof types.FailedQuantaDocument,
};
const documents: Documents = {
    "\n  fragment BuildState on Build {\n    id repo commit ref status error regressions regressedMetrics summaryMarkdown\n    runs { name status error progress { total pending running succeeded failed blocked } }\n  }\n": types.BuildStateFragmentDoc,
    "\n  mutation RequestBuild($repo: String!, $commit: String!, $ref: String!, $event: String, $prNumber: Int, $headBranch: String, $pipeline: String, $dataset: String) {\n    requestBuild(repo: $repo, commit: $commit, ref: $ref, event: $event, prNumber: $prNumber, headBranch: $headBranch, pipeline: $pipeline, dataset: $dataset) { ...BuildState }\n  }\n": types.RequestBuildDocument,
    "\n  query GetBuild($id: Int!) { build(id: $id) { ...BuildState } }\n": types.GetBuildDocument,
    "\n  query FailedQuanta($run: String!, $limit: Int) { run(name: $run) { quanta(status: failed, limit: $limit) { taskLabel dataId error } } }\n": types.FailedQuantaDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BuildState on Build {\n    id repo commit ref status error regressions regressedMetrics summaryMarkdown\n    runs { name status error progress { total pending running succeeded failed blocked } }\n  }\n"): typeof import('./graphql.ts').BuildStateFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestBuild($repo: String!, $commit: String!, $ref: String!, $event: String, $prNumber: Int, $headBranch: String, $pipeline: String, $dataset: String) {\n    requestBuild(repo: $repo, commit: $commit, ref: $ref, event: $event, prNumber: $prNumber, headBranch: $headBranch, pipeline: $pipeline, dataset: $dataset) { ...BuildState }\n  }\n"): typeof import('./graphql.ts').RequestBuildDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetBuild($id: Int!) { build(id: $id) { ...BuildState } }\n"): typeof import('./graphql.ts').GetBuildDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FailedQuanta($run: String!, $limit: Int) { run(name: $run) { quanta(status: failed, limit: $limit) { taskLabel dataId error } } }\n"): typeof import('./graphql.ts').FailedQuantaDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
