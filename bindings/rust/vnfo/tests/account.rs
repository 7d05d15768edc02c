use vnfo::account::{self, Accumulator, AccumulatorOptions, CheckOptions};
use vnfo::sys;

fn acc_of(values: &[u64]) -> Accumulator {
    let mut a = Accumulator::new(&AccumulatorOptions::new(1, 0)).unwrap();
    a.add_many(values).unwrap();
    a
}

#[test]
fn accumulators_merge_and_summarise() {
    let mut a = acc_of(&[1, 2, 3]);
    let b = acc_of(&[4, 5]);
    a.merge(&b).unwrap();
    assert_eq!((a.count(), a.min_max()), (5, (1, 5)));
    assert_eq!(a.sum_text(1).unwrap(), "15");
    assert_eq!(a.sum_text(2).unwrap(), "55");
    assert_eq!(a.sum_text(0).unwrap_err().status(), sys::VNFO_E_INVALID_ARGUMENT);
    let s = a.summary().unwrap();
    assert_eq!((s.n, s.mean), (5, 3.0));
    assert_eq!(a.quantile(0.5).unwrap(), 3.0);
    let bytes = a.serialize().unwrap();
    assert_eq!(Accumulator::deserialize(&bytes).unwrap().count(), 5);
    let e = Accumulator::deserialize(&bytes[..3]).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_ACCOUNT_FORMAT);
    let other = Accumulator::new(&AccumulatorOptions::new(2, 0)).unwrap();
    assert_eq!(a.merge(&other).unwrap_err().status(), sys::VNFO_E_ACCOUNT_MISMATCH);
}

#[test]
fn bills_are_checked_against_the_sample() {
    // 1000 sampled packets of 1000 cycles at p = 1/10: about 10^7 cycles.
    let a = acc_of(&vec![1000; 1000]);
    let opts = CheckOptions::default().confidence(0.95).max_value(2000);
    let honest = account::total_check(&a, 10_000_000, (1, 10), &opts).unwrap();
    assert_eq!(honest.verdict, sys::VNFO_ACCOUNT_CONSISTENT);
    let inflated = account::total_check(&a, 30_000_000, (1, 10), &opts).unwrap();
    assert_eq!(inflated.verdict, sys::VNFO_ACCOUNT_OVERCHARGED);
    assert!(inflated.upper < 30_000_000.0 && inflated.lower <= 10_000_000.0);
    assert_eq!(account::verdict_name(inflated.verdict), "OVERCHARGED");
    let c = account::count_check(1000, 10_000, (1, 10), &opts).unwrap();
    assert_eq!(c.verdict, sys::VNFO_ACCOUNT_CONSISTENT);
}

#[test]
fn bad_check_inputs_have_their_own_status() {
    let opts = CheckOptions::default();
    let empty = acc_of(&[]);
    assert_eq!(account::total_check(&empty, 1, (1, 10), &opts).unwrap_err().status(), sys::VNFO_E_ACCOUNT_EMPTY);
    let a = acc_of(&[1]);
    let e = account::total_check(&a, 1, (0, 10), &opts).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_ACCOUNT_PROBABILITY);
    let e = account::total_check(&a, 1, (1, 10), &CheckOptions::default().confidence(1.5)).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_ACCOUNT_CONFIDENCE);
    let e = account::minimality_check_pairs(&[1, 2], &[1], &opts).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    let (r, first) = account::minimality_check_pairs(&[10, 10, 50], &[10, 10, 10], &opts).unwrap();
    assert_eq!((r.violations, first), (1, Some(2)));
}
