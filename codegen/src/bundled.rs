//! The bundled example specs (`specs/` of the repository), embedded so that
//! `obspec generate` with no arguments and no `specs/` directory runs on them.

/// `(relative name, text)` of every bundled spec file.
pub static SPECS: &[(&str, &str)] = &[
    ("agent-sdk.yaml", include_str!("../../specs/agent-sdk.yaml")),
    (
        "api-gateway.yaml",
        include_str!("../../specs/api-gateway.yaml"),
    ),
    ("obspec.yaml", include_str!("../../specs/obspec.yaml")),
    (
        "payment-gateway.yaml",
        include_str!("../../specs/payment-gateway.yaml"),
    ),
    (
        "workflow-agent.yaml",
        include_str!("../../specs/workflow-agent.yaml"),
    ),
    (
        "workflow-engine.yaml",
        include_str!("../../specs/workflow-engine.yaml"),
    ),
];
