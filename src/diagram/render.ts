import { Graphviz } from "@hpcc-js/wasm-graphviz";
import type { DiagramModel } from "./model.js";

/** The order clusters appear in, left to right in the data's path; any other group follows, alphabetically. */
const GROUP_ORDER = [
  "drop zone",
  "raw zone",
  "curated zone",
  "quarantine zone",
  "processing",
  "catalog and query",
];

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** Graphviz DOT for the model: one cluster per zone or category, deterministic order throughout. */
export function toDot(model: DiagramModel, title: string): string {
  const groups = [...new Set(model.nodes.map((n) => n.group))].sort((a, b) => {
    const ia = GROUP_ORDER.indexOf(a);
    const ib = GROUP_ORDER.indexOf(b);
    if (ia !== ib) return (ia < 0 ? GROUP_ORDER.length : ia) - (ib < 0 ? GROUP_ORDER.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const lines = [
    `digraph ${quote(title)} {`,
    `  graph [label=${quote(title)}, labelloc=t, fontname="Helvetica", fontsize=18, rankdir=LR, nodesep=0.3, ranksep=0.6, compound=true];`,
    `  node [fontname="Helvetica", fontsize=10, style=filled, fillcolor="#ffffff", color="#37474f"];`,
    `  edge [fontname="Helvetica", fontsize=8, color="#546e7a", fontcolor="#546e7a"];`,
  ];
  groups.forEach((group, index) => {
    lines.push(
      `  subgraph cluster_${index} {`,
      `    label=${quote(group)}; style="rounded,filled"; fillcolor="${index % 2 === 0 ? "#eef3f8" : "#f4f1ea"}"; color="#b0bec5";`,
    );
    for (const n of model.nodes.filter((node) => node.group === group))
      lines.push(
        `    ${quote(n.id)} [label=${quote(`${n.label}\n${n.kind}`)}, shape=${n.shape}${n.secondary ? ', style="filled,dashed"' : ""}];`,
      );
    lines.push("  }");
  });
  for (const e of model.edges)
    lines.push(
      `  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.label)}${e.dashed ? ", style=dashed" : ""}];`,
    );
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** SVG from DOT with Graphviz compiled to WebAssembly (the wasm ships inside the npm package; no download). */
export async function renderSvg(dot: string): Promise<string> {
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, "svg");
}
