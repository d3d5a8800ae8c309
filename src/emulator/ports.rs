//! Accelerator-port arithmetic: a keyed shuffle of a listener's port space and an allocator of
//! slots in it. A subnet's mappings are a few slot intervals, so memory does not grow with the
//! number of mappings, and no client can compute the order instead of reading it.

use std::collections::BTreeMap;

use crate::model::PortRange;

/// A keyed bijection on `[0, size)`: a balanced Feistel network on the smallest even-bit domain
/// that holds `size`, with cycle-walking back into range.
#[derive(Debug, Clone, Copy)]
pub struct Shuffle {
    key: u64,
    size: u32,
    half_bits: u32,
}

const ROUNDS: u64 = 4;

pub fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: cheap and well distributed.
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl Shuffle {
    pub fn new(key: u64, size: u32) -> Self {
        let mut half_bits = 1;
        while (1u64 << (2 * half_bits)) < u64::from(size) {
            half_bits += 1;
        }
        Self {
            key,
            size,
            half_bits,
        }
    }

    fn round(&self, r: u64, half: u32) -> u32 {
        let mask = (1u32 << self.half_bits) - 1;
        (mix(self.key ^ (r << 32) ^ u64::from(half)) as u32) & mask
    }

    fn encrypt(&self, x: u32) -> u32 {
        let mask = (1u32 << self.half_bits) - 1;
        let (mut l, mut r) = (x >> self.half_bits, x & mask);
        for i in 0..ROUNDS {
            let next = l ^ self.round(i, r);
            l = r;
            r = next;
        }
        (l << self.half_bits) | r
    }

    pub fn forward(&self, slot: u32) -> u32 {
        let mut x = self.encrypt(slot);
        while x >= self.size {
            x = self.encrypt(x);
        }
        x
    }

    fn decrypt(&self, x: u32) -> u32 {
        let mask = (1u32 << self.half_bits) - 1;
        let (mut l, mut r) = (x >> self.half_bits, x & mask);
        for i in (0..ROUNDS).rev() {
            let prev = r ^ self.round(i, l);
            r = l;
            l = prev;
        }
        (l << self.half_bits) | r
    }

    /// The slot whose port is `position`: the inverse of `forward`, so explicit mappings can
    /// claim the slots their ports stand for.
    pub fn backward(&self, position: u32) -> u32 {
        let mut x = self.decrypt(position);
        while x >= self.size {
            x = self.decrypt(x);
        }
        x
    }
}

/// Where `port` sits in `ranges`, counted in range order: the inverse of `nth_port`.
pub fn port_position(ranges: &[PortRange], port: u16) -> Option<u32> {
    let mut before = 0;
    for r in ranges {
        if r.contains(port) {
            return Some(before + u32::from(port - r.from_port()));
        }
        before += r.len();
    }
    None
}

/// Sorted slots as runs of consecutive ones.
pub fn runs(mut slots: Vec<u32>) -> Vec<Segment> {
    slots.sort_unstable();
    let mut out: Vec<Segment> = Vec::new();
    for s in slots {
        match out.last_mut() {
            Some(last) if last.start + last.len == s => last.len += 1,
            _ => out.push(Segment { start: s, len: 1 }),
        }
    }
    out
}

/// The `index`-th port of a listener's ranges, in range order.
pub fn nth_port(ranges: &[PortRange], index: u32) -> Option<u16> {
    locate(ranges, index).map(|(_, port)| port)
}

/// The `index`-th port of `ranges` and which range holds it.
pub fn locate(ranges: &[PortRange], mut index: u32) -> Option<(usize, u16)> {
    for (at, r) in ranges.iter().enumerate() {
        if index < r.len() {
            return u16::try_from(u32::from(r.from_port()) + index)
                .ok()
                .map(|port| (at, port));
        }
        index -= r.len();
    }
    None
}

/// A run of consecutive slots owned by one subnet attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub start: u32,
    pub len: u32,
}

/// Free slots of one listener, as disjoint intervals keyed by start.
#[derive(Debug, Clone)]
pub struct SlotAllocator {
    free: BTreeMap<u32, u32>,
}

impl SlotAllocator {
    pub fn new(size: u32) -> Self {
        let mut free = BTreeMap::new();
        if size > 0 {
            free.insert(0, size);
        }
        Self { free }
    }

    /// An allocator of `size` slots where `used` are already taken (after a listener's ranges
    /// change, existing attachments keep their slots).
    pub fn with_used(size: u32, used: &[Segment]) -> Self {
        let mut sorted = used.to_vec();
        sorted.sort_by_key(|s| s.start);
        let mut free = BTreeMap::new();
        let mut at = 0;
        for seg in sorted {
            if seg.start > at {
                free.insert(at, seg.start - at);
            }
            at = at.max(seg.start + seg.len);
        }
        if size > at {
            free.insert(at, size - at);
        }
        Self { free }
    }

    pub fn free_slots(&self) -> u64 {
        self.free.values().map(|&l| u64::from(l)).sum()
    }

    /// Takes `count` slots, lowest first, or nothing when fewer are free.
    pub fn allocate(&mut self, count: u64) -> Option<Vec<Segment>> {
        if count > self.free_slots() {
            return None;
        }
        let mut need = count;
        let mut taken = Vec::new();
        while need > 0 {
            let (&start, &len) = self.free.iter().next()?;
            self.free.remove(&start);
            let take = len.min(u32::try_from(need).unwrap_or(u32::MAX));
            taken.push(Segment { start, len: take });
            if take < len {
                self.free.insert(start + take, len - take);
            }
            need -= u64::from(take);
        }
        Some(taken)
    }

    /// Claims exactly `segments` (a restored or explicit placement); false, claiming nothing,
    /// when any of them is not free.
    pub fn take(&mut self, segments: &[Segment]) -> bool {
        let fits = |free: &BTreeMap<u32, u32>, seg: &Segment| {
            free.range(..=seg.start)
                .next_back()
                .is_some_and(|(&start, &len)| seg.start + seg.len <= start + len)
        };
        let mut sorted = segments.to_vec();
        sorted.sort_by_key(|s| s.start);
        if sorted
            .windows(2)
            .any(|w| w[0].start + w[0].len > w[1].start)
            || !sorted.iter().all(|s| s.len > 0 && fits(&self.free, s))
        {
            return false;
        }
        for seg in sorted {
            let Some((&start, &len)) = self.free.range(..=seg.start).next_back() else {
                return false;
            };
            self.free.remove(&start);
            if seg.start > start {
                self.free.insert(start, seg.start - start);
            }
            let end = seg.start + seg.len;
            if start + len > end {
                self.free.insert(end, start + len - end);
            }
        }
        true
    }

    /// Returns slots, merging neighbours so the free list stays short.
    pub fn release(&mut self, segments: &[Segment]) {
        for seg in segments {
            let mut start = seg.start;
            let mut len = seg.len;
            if let Some((&prev_start, &prev_len)) = self.free.range(..start).next_back()
                && prev_start + prev_len == start
            {
                self.free.remove(&prev_start);
                start = prev_start;
                len += prev_len;
            }
            if let Some(next_len) = self.free.remove(&(start + len)) {
                len += next_len;
            }
            self.free.insert(start, len);
        }
    }
}

/// The slot of the `k`-th mapping of an attachment whose slots are `segments`.
pub fn slot_of(segments: &[Segment], mut k: u64) -> Option<u32> {
    for seg in segments {
        if k < u64::from(seg.len) {
            return Some(seg.start + k as u32);
        }
        k -= u64::from(seg.len);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_bijection_for_awkward_sizes() {
        for size in [1u32, 2, 3, 16, 17, 1000, 65535] {
            let s = Shuffle::new(0xfeed ^ u64::from(size), size);
            let mut seen = vec![false; size as usize];
            for slot in 0..size {
                let x = s.forward(slot);
                assert!(x < size);
                assert!(!seen[x as usize], "size {size}: {x} twice");
                seen[x as usize] = true;
            }
        }
    }

    #[test]
    fn backward_undoes_forward() {
        for size in [1u32, 17, 1000, 65535] {
            let s = Shuffle::new(0xbeef ^ u64::from(size), size);
            for slot in (0..size).step_by(7) {
                assert_eq!(s.backward(s.forward(slot)), slot, "size {size}");
            }
        }
    }

    #[test]
    fn take_claims_exact_slots_or_nothing() {
        let mut a = SlotAllocator::new(100);
        let want = [Segment { start: 10, len: 5 }, Segment { start: 50, len: 1 }];
        assert!(a.take(&want));
        assert_eq!(a.free_slots(), 94);
        assert!(!a.take(&[Segment { start: 12, len: 1 }]), "already taken");
        assert!(!a.take(&[Segment { start: 99, len: 2 }]), "past the end");
        assert_eq!(a.free_slots(), 94);
        a.release(&want);
        assert_eq!(a.free.len(), 1);
        assert_eq!(
            runs(vec![5, 3, 4, 9]),
            [Segment { start: 3, len: 3 }, Segment { start: 9, len: 1 }]
        );
        let ranges = [
            PortRange::new(100, 115).unwrap(),
            PortRange::new(200, 231).unwrap(),
        ];
        assert_eq!(port_position(&ranges, 201), Some(17));
        assert_eq!(port_position(&ranges, 150), None);
    }

    #[test]
    fn shuffle_depends_on_the_key() {
        let a: Vec<u32> = (0..50).map(|i| Shuffle::new(1, 1000).forward(i)).collect();
        let b: Vec<u32> = (0..50).map(|i| Shuffle::new(2, 1000).forward(i)).collect();
        assert_ne!(a, b);
    }

    #[test]
    fn allocator_refuses_more_than_free_and_merges_on_release() {
        let mut a = SlotAllocator::new(100);
        let x = a.allocate(40).unwrap();
        let y = a.allocate(40).unwrap();
        assert!(a.allocate(21).is_none());
        assert_eq!(a.free_slots(), 20);
        a.release(&x);
        let z = a.allocate(50).unwrap();
        assert_eq!(
            z,
            vec![
                Segment { start: 0, len: 40 },
                Segment { start: 80, len: 10 }
            ]
        );
        a.release(&y);
        a.release(&z);
        assert_eq!(a.free.len(), 1);
        assert_eq!(a.free_slots(), 100);
    }

    #[test]
    fn with_used_frees_the_complement() {
        let used = [Segment { start: 10, len: 5 }, Segment { start: 0, len: 2 }];
        let a = SlotAllocator::with_used(20, &used);
        assert_eq!(a.free_slots(), 13);
        assert_eq!(a.free.get(&2), Some(&8));
        assert_eq!(a.free.get(&15), Some(&5));
    }

    #[test]
    fn nth_port_walks_the_ranges_in_order() {
        let ranges = [
            PortRange::new(100, 115).unwrap(),
            PortRange::new(200, 231).unwrap(),
        ];
        assert_eq!(nth_port(&ranges, 0), Some(100));
        assert_eq!(nth_port(&ranges, 15), Some(115));
        assert_eq!(nth_port(&ranges, 16), Some(200));
        assert_eq!(nth_port(&ranges, 47), Some(231));
        assert_eq!(nth_port(&ranges, 48), None);
    }

    #[test]
    fn slot_of_walks_the_segments() {
        let segs = [Segment { start: 10, len: 3 }, Segment { start: 50, len: 2 }];
        let slots: Vec<_> = (0..6).map(|k| slot_of(&segs, k)).collect();
        assert_eq!(
            slots,
            [Some(10), Some(11), Some(12), Some(50), Some(51), None]
        );
    }
}
