//! Work spread over the machine's cores, with results in input order, so
//! output never depends on timing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `f` applied to every item, on up to `available_parallelism` threads
/// (scoped: they end before this returns). The results are in the order of
/// `items`; a panic in `f` propagates.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was mapped"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let out = super::map(&items, |i| {
            // Uneven work, so threads finish out of order.
            if i % 3 == 0 {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            *i
        });
        assert_eq!(out, items);
        assert!(super::map(&[] as &[u8], |_| 0).is_empty());
    }
}
