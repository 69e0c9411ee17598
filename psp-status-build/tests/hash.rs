//! The hot-path hash and the perfect-hash builder.

use psp_status_build::hash::{bucket, fold_ascii_word, hash_bytes, pilot_mix, slot};
use psp_status_build::phash::build;

#[test]
fn fold_ascii_word_lowercases_exactly_the_ascii_capitals() {
    // Every byte value in every lane, against the byte-wise definition.
    for lane in 0..8 {
        for b in 0..=255u8 {
            let mut bytes = *b"aZ@[`{\x80\xff";
            bytes[lane] = b;
            let folded = fold_ascii_word(u64::from_le_bytes(bytes)).to_le_bytes();
            assert_eq!(
                folded,
                bytes.map(|c| c.to_ascii_lowercase()),
                "lane {lane} byte {b:#x}"
            );
        }
    }
}

#[test]
fn folding_hash_agrees_with_lowercase_for_every_length() {
    let text = b"Requires_Payment_Method-AND-MORE-TEXT-THAN-ONE-WORD";
    for len in 0..text.len() {
        let k = &text[..len];
        assert_eq!(
            hash_bytes::<true>(42, k),
            hash_bytes::<false>(42, &k.to_ascii_lowercase()),
            "len {len}"
        );
    }
}

#[test]
fn every_byte_takes_part_in_the_hash() {
    let base = *b"validation_error_too_many_request";
    for len in 1..base.len() {
        for i in 0..len {
            let mut k = base;
            k[i] ^= 1;
            assert_ne!(
                hash_bytes::<false>(9, &base[..len]),
                hash_bytes::<false>(9, &k[..len]),
                "len {len}, byte {i}"
            );
        }
    }
}

#[test]
fn perfect_hash_places_every_key_in_its_own_slot() {
    for n in [1usize, 2, 3, 7, 8, 50, 300, 2000] {
        let keys: Vec<String> = (0..n).map(|i| format!("code_{i}")).collect();
        let refs: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        let t = build(&refs, false);
        let mut seen = vec![false; t.slots.len()];
        for (i, k) in refs.iter().enumerate() {
            let h = hash_bytes::<false>(t.seed, k);
            let s = slot(h, pilot_mix(t.pilots[bucket(h, t.buckets - 1)]), t.mask);
            assert_eq!(t.slots[s], Some(i as u32), "n {n} key {i}");
            assert!(!seen[s]);
            seen[s] = true;
        }
        assert!(t.slots.len() >= n && t.slots.len() <= (n * 5 / 4 + 1).max(8).next_power_of_two());
    }
}
