use obspec::LabelValue;

#[derive(LabelValue, Clone, Copy)]
enum Region {
    Cn,
    Other(u8),
}

fn main() {}
