export {
  dashboardSchema,
  parseDashboard,
  variableRefs,
  PANEL_SOURCES,
  PANEL_TYPES,
  STAT_REDUCERS,
  VARIABLE_KINDS,
  type DashboardDefinition,
  type DashboardInput,
  type DashboardRow,
  type DashboardVariable,
  type Panel,
  type PanelQuery,
  type PanelType,
} from './model.ts';
export { DEFAULT_DASHBOARDS_DIR, readDefaultDashboards } from './defaults.ts';
export { deleteDashboard, findDashboard, getDashboard, listDashboards, loadDefaultDashboards, saveDashboard, type DashboardRecord } from './store.ts';
export { runTaskGraph, runTaskGraphs, type TaskGraph, type TaskGraphEdge, type TaskGraphNode } from './task-graph.ts';
