use obspec::{LabelSet, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum Level {
    Low,
    High,
}

#[derive(LabelSet, Clone, Copy)]
struct Labels {
    le: Level,
    user_id: Level,
    #[label(name = "bad-name")]
    other: Level,
}

fn main() {}
