//! The contract of the tenant-history lookup (`TenantHistory`): a texting tenant's latest work
//! orders, open or closed, newest first, found by their phone and by nothing else.

use super::*;

pub async fn latest_for_tenant_phone_finds_open_and_closed_work_orders_newest_first(s: &dyn Store) {
    let p = PropertyId(unique("p-"));
    let phone = unique_phone();
    let other = unique_phone();
    // a: open, oldest.
    let a = commit_ok(s, Wo::submit(&p, Some(phone.clone()), t0()), 0).await;
    // b: cancelled (closed) since.
    let b = commit_ok(s, Wo::submit(&p, Some(phone.clone()), t0() + mins(1)), 0).await;
    let b = commit_ok(
        s,
        b.then(
            Event::Cancelled {
                by: Actor::Pm("lee".into()),
                reason: None,
            },
            t0() + mins(2),
        ),
        0,
    )
    .await;
    // c: the newest, open.
    let c = commit_ok(s, Wo::submit(&p, Some(phone.clone()), t0() + mins(3)), 0).await;
    // Another tenant's, and one with no phone at all.
    commit_ok(s, Wo::submit(&p, Some(other.clone()), t0() + mins(4)), 0).await;
    commit_ok(s, Wo::submit(&p, None, t0() + mins(5)), 0).await;

    let got = s.latest_for_tenant_phone(&phone, 5).await.unwrap();
    assert_eq!(
        ids(&got),
        [c.id(), b.id(), a.id()],
        "open or closed, newest first"
    );
    assert_eq!(
        got[1].status,
        Status::Cancelled,
        "the closed one as it is now"
    );
    assert_eq!(
        ids(&s.latest_for_tenant_phone(&phone, 2).await.unwrap()),
        [c.id(), b.id()],
        "at most the limit"
    );
    assert_eq!(s.latest_for_tenant_phone(&other, 5).await.unwrap().len(), 1);
    assert!(
        s.latest_for_tenant_phone(&unique_phone(), 5)
            .await
            .unwrap()
            .is_empty(),
        "an unknown phone finds nothing"
    );
    // The same number written another way is the same phone once parsed (E.164).
    let spaced = format!(
        "+1 ({}) {}-{}",
        &phone.as_str()[2..5],
        &phone.as_str()[5..8],
        &phone.as_str()[8..]
    );
    let parsed = Phone::parse(&spaced).unwrap();
    assert_eq!(
        s.latest_for_tenant_phone(&parsed, 5).await.unwrap().len(),
        3
    );
}
