// Reading PostgreSQL's EXPLAIN (FORMAT JSON) output in tests.

/** A node of a plan, with the fields the tests look at. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Loops'?: number;
  'Scan Direction'?: string;
  'Subplans Removed'?: number;
  Plans?: PlanNode[];
}

/** Every node of an EXPLAIN (FORMAT JSON) plan, parents before their children. */
export function planNodes(plan: { Plan: PlanNode }[]): PlanNode[] {
  const nodes: PlanNode[] = [];
  const visit = (node: PlanNode) => {
    nodes.push(node);
    for (const child of node.Plans ?? []) visit(child);
  };
  for (const { Plan } of plan) visit(Plan);
  return nodes;
}
