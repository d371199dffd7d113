//! The shared end-to-end scenarios (`mendwork_tests::scenarios`) run by the local runner: each
//! test starts its own runner (sample portfolio, temporary store, frozen virtual clock) and
//! drives it over HTTP only, asserting on what an outside client can see. The same scenarios
//! run through the Lambda handlers on moto in the handlers' tests (`aws::…`).

mod local {
    mendwork_tests::shared_scenarios!(mendwork_tests::Local);
}
