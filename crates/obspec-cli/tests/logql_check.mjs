// Checks Loki rule files: the ruler's group format (the Prometheus rule
// format) and every `expr` parsed by Grafana's LogQL grammar
// (@grafana/lezer-logql, the parser of Grafana's Loki query editor).
// Loki itself (and lokitool) cannot be installed from the registries this
// project uses: Debian's `loki` package is an unrelated program.
//
//   NODE_PATH=target/logql/node_modules node tests/logql_check.mjs FILE...
// Prints one line per problem and exits 1 if there is any; `--expr EXPR`
// checks one expression instead.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
const require = createRequire(process.env.NODE_PATH ? resolve(process.env.NODE_PATH) + "/" : import.meta.url);
const { parser } = require("@grafana/lezer-logql");
const YAML = require("yaml");

function exprProblems(expr) {
  const problems = [];
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        problems.push(`syntax error at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 20), node.to + 20))}`);
      }
    },
  });
  // A top-level expression is a metric query (alerts need numbers), not a log query.
  const top = tree.topNode.firstChild;
  if (problems.length === 0 && !(top && top.name === "Expr" && top.firstChild && top.firstChild.name === "MetricExpr")) {
    problems.push(`not a metric query: ${top && top.firstChild ? top.firstChild.name : "empty"}`);
  }
  return problems;
}

const args = process.argv.slice(2);
let bad = 0;
if (args[0] === "--expr") {
  for (const p of exprProblems(args[1])) { console.log(p); bad++; }
  process.exit(bad ? 1 : 0);
}
const durations = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
for (const file of args) {
  const doc = YAML.parse(readFileSync(file, "utf8"));
  const say = (m) => { console.log(`${file}: ${m}`); bad++; };
  if (!doc || !Array.isArray(doc.groups)) { say("no `groups` list"); continue; }
  for (const g of doc.groups) {
    const gk = Object.keys(g).filter((k) => !["name", "interval", "limit", "rules"].includes(k));
    if (gk.length) say(`group ${g.name}: unknown keys ${gk}`);
    if (typeof g.name !== "string" || !g.name) say("a group without a name");
    for (const r of g.rules || []) {
      const rk = Object.keys(r).filter((k) => !["alert", "record", "expr", "for", "labels", "annotations"].includes(k));
      if (rk.length) say(`rule ${r.alert || r.record}: unknown keys ${rk}`);
      if (!r.alert === !r.record) say(`a rule needs exactly one of alert and record`);
      if (typeof r.expr !== "string") { say(`rule ${r.alert}: no expr`); continue; }
      if (r.for !== undefined && !durations.test(String(r.for))) say(`rule ${r.alert}: for ${r.for} is not a duration`);
      for (const p of exprProblems(r.expr)) say(`rule ${r.alert || r.record}: ${p}`);
    }
  }
}
process.exit(bad ? 1 : 0);
