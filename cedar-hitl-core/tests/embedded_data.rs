//! The core embeds the built-in rules and constants. In the repository they come from the
//! top-level `policies/` and `contracts/constants.json` (the files people edit); the published
//! crate carries a copy in `data/` (see build.rs). This keeps the copy byte-identical to what the
//! repository build embeds, so a published crate never ships stale rules.

use cedar_hitl_core::{
    BUILTIN_HARD_DENY_POLICIES, BUILTIN_SOFT_DENY_POLICIES, CONSTANTS_JSON,
    UPSTREAM_HARD_DENY_POLICIES, UPSTREAM_SOFT_DENY_POLICIES,
};

#[test]
fn packaged_copy_matches_what_the_build_embeds() {
    let embedded = [
        ("policies/hard_deny.cedar", BUILTIN_HARD_DENY_POLICIES),
        ("policies/soft_deny.cedar", BUILTIN_SOFT_DENY_POLICIES),
        ("policies/upstream/hard_deny.cedar", UPSTREAM_HARD_DENY_POLICIES),
        ("policies/upstream/soft_deny.cedar", UPSTREAM_SOFT_DENY_POLICIES),
        ("contracts/constants.json", CONSTANTS_JSON),
    ];
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut stale = Vec::new();
    for (file, text) in embedded {
        let copy = std::fs::read(data.join(file)).unwrap_or_default();
        assert!(!text.is_empty(), "{file} embedded empty");
        if copy != text.as_bytes() {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "cedar-hitl-core/data/ differs from the top-level source for {stale:?}; \
         run scripts/sync-core-data.sh"
    );
}

#[test]
fn repository_build_embeds_the_top_level_sources() {
    // Only meaningful inside the repository; a packaged crate has no top level to compare.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let Ok(top) = std::fs::read_to_string(root.join("policies/hard_deny.cedar")) else {
        assert!(
            !root.join("cedar-hitl-core/build.rs").exists(),
            "repository checkout without policies/hard_deny.cedar"
        );
        return;
    };
    assert_eq!(top, BUILTIN_HARD_DENY_POLICIES);
}
