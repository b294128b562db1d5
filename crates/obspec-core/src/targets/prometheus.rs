//! `prometheus` and `kubernetes`: each service's SLO recording rules, SLO
//! alerts and own alerts, as a Prometheus rules file or a PrometheusRule
//! manifest; and promtool unit tests next to the rules.

use minijinja::value::Serde;
use minijinja::{context, Environment, Error};
use serde::Serialize;

use crate::slo::rules::service_groups;
use crate::targets::artifact::{spec_files, OutFile};
use obspec_spec::load::Loaded;

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let tpl = env.get_template("prometheus/rules.yml.j2")?;
    let tests = env.get_template("prometheus/tests.yml.j2")?;
    // The embedded templates only place the precomputed text; they are not
    // run (an override is, with the groups and tests as values).
    let embedded_rules = crate::targets::templates::is_embedded(&tpl);
    let embedded_tests = crate::targets::templates::is_embedded(&tests);
    let mut out = Vec::new();
    let registry = crate::expr::promql::Registry::new(&loaded.specs);
    for svc in &loaded.specs.services {
        let groups = service_groups(svc, &registry);
        if groups.is_empty() {
            continue;
        }
        let name = &svc.service.value;
        // The tests evaluate the groups in file order at every step, as a
        // Prometheus whose groups keep pace would: alerts read this step's
        // recordings, not the previous one's.
        let order: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
        let rules_yaml = crate::slo::rules::groups_yaml(&groups, 2);
        let content = if embedded_rules {
            // What the embedded template renders, without copying the text
            // through the template engine.
            // The plans are no longer needed: freed before the tests are built.
            drop(groups);
            let mut c = rules_yaml;
            c.insert_str(0, "groups:\n");
            c.push('\n');
            c
        } else {
            super::templates::render(
                &tpl,
                context! {
                    rules_yaml => minijinja::Value::from_safe_string(rules_yaml),
                    groups => minijinja::Value::from_object(crate::slo::rules::GroupsValue(groups)),
                    service => name,
                },
            )?
        };
        out.push(OutFile {
            path: format!("prometheus/{name}.rules.yml"),
            content,
            sources: spec_files(loaded, svc),
        });
        let unit_tests = loaded
            .specs
            .project
            .prometheus
            .unit_tests
            .as_ref()
            .is_none_or(|u| u.value);
        if !unit_tests {
            continue;
        }
        let rule_file = format!("{name}.rules.yml");
        if embedded_tests {
            // Written SLO by SLO: the test groups of one SLO are freed once
            // written, so the whole set is never held beside the text.
            if let Some(mut c) = crate::slo::promtool::tests_yaml_streamed(svc, &rule_file, &order)
            {
                c.push('\n');
                out.push(OutFile {
                    path: format!("prometheus/{name}.test.yml"),
                    content: c,
                    sources: spec_files(loaded, svc),
                });
            }
            continue;
        }
        let cases = crate::slo::promtool::tests(svc);
        if !cases.is_empty() {
            let tests_yaml = crate::slo::promtool::tests_yaml(&rule_file, &order, &cases);
            let content = super::templates::render(
                &tests,
                context! {
                    tests_yaml => minijinja::Value::from_safe_string(tests_yaml),
                    rule_file => rule_file,
                    group_eval_order => order,
                    tests => minijinja::Value::from_object(crate::slo::promtool::TestsValue(cases)),
                    service => name,
                },
            )?;
            out.push(OutFile {
                path: format!("prometheus/{name}.test.yml"),
                content,
                sources: spec_files(loaded, svc),
            });
        }
    }
    Ok(out)
}

/// Settings of the PrometheusRule manifests.
#[derive(Serialize)]
struct Manifest {
    name: String,
    namespace: String,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
}

pub fn render_kubernetes(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let tpl = env.get_template("kubernetes/prometheusrule.yml.j2")?;
    let k = &loaded.specs.project.kubernetes;
    let mut out = Vec::new();
    let registry = crate::expr::promql::Registry::new(&loaded.specs);
    for svc in &loaded.specs.services {
        let groups = service_groups(svc, &registry);
        if groups.is_empty() {
            continue;
        }
        let name = &svc.service.value;
        let mut labels: Vec<(String, String)> = vec![
            ("app.kubernetes.io/name".into(), name.clone()),
            ("app.kubernetes.io/managed-by".into(), "obspec".into()),
        ];
        for (key, v) in k.labels.iter() {
            labels.retain(|(l, _)| l != &key.value);
            labels.push((key.value.clone(), v.value.clone()));
        }
        let manifest = Manifest {
            name: format!(
                "{}{name}{}",
                s(&k.name_prefix),
                k.name_suffix
                    .as_ref()
                    .map_or("-rules".to_string(), |x| x.value.clone())
            ),
            namespace: s(&k.namespace),
            labels,
            annotations: k
                .annotations
                .iter()
                .map(|(a, b)| (a.value.clone(), b.value.clone()))
                .collect(),
        };
        out.push(OutFile {
            path: format!("kubernetes/{name}.prometheusrule.yml"),
            content: super::templates::render(&tpl, context! {
                rules_yaml => minijinja::Value::from_safe_string(crate::slo::rules::groups_yaml(&groups, 4)),
                groups => minijinja::Value::from_object(crate::slo::rules::GroupsValue(groups)),
                service => name,
                kubernetes => Serde(&manifest),
            })?,
            sources: spec_files(loaded, svc),
        });
    }
    Ok(out)
}

fn s(v: &Option<obspec_spec::model::Spanned<String>>) -> String {
    v.as_ref().map(|x| x.value.clone()).unwrap_or_default()
}
