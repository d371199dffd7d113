//! [`RandomIds`]: fresh ids from the thread-local CSPRNG, the same format in every deployment.

use crate::ports::Ids;
use mendwork_domain::{VisitId, WorkOrderId};
use rand::Rng;

/// Lowercase RFC 4648 base32: no look-alike case, safe in URLs, file names and timer names.
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Random ids: `wo-` or `v-` followed by 10 base32 characters (50 bits, so collisions among the
/// work orders of one portfolio are not a practical concern).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

fn token(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(BASE32[rng.random_range(0..BASE32.len())]))
        .collect()
}

impl Ids for RandomIds {
    fn work_order_id(&self) -> WorkOrderId {
        WorkOrderId(format!("wo-{}", token(10)))
    }

    fn code_seed(&self) -> [u32; 4] {
        rand::rng().random()
    }

    fn visit_id(&self) -> VisitId {
        VisitId(format!("v-{}", token(10)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_a_prefix_and_ten_lowercase_base32_characters() {
        let id = RandomIds.work_order_id().0;
        assert!(id.len() == 13 && id.starts_with("wo-"), "{id}");
        assert!(id[3..].bytes().all(|b| BASE32.contains(&b)), "{id}");
        let v = RandomIds.visit_id().0;
        assert!(v.len() == 12 && v.starts_with("v-"), "{v}");
        assert_ne!(RandomIds.work_order_id(), RandomIds.work_order_id());
    }
}
