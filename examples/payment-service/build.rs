// Generates the typed metrics and log events of the payment gateway from its spec. The project
// file next to it (specs/obspec.yaml) is read too; cargo reruns this when
// either changes.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    obspec::build::Builder::new()
        .specs("../../specs/payment-gateway.yaml")
        .target("rust")
        .target("logs")
        .generate()?;
    Ok(())
}
