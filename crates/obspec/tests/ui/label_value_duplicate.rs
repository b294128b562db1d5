use obspec::LabelValue;

#[derive(LabelValue, Clone, Copy)]
enum Status {
    Ok,
    #[label(rename = "ok")]
    Success,
}

fn main() {}
