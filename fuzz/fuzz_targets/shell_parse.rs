#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cedar_hitl_fuzz::shell::shell_parse(data));
