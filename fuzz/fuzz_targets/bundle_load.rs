#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cedar_hitl_fuzz::bundle_load(data));
