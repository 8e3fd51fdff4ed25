//! One policy check: `authorize` for a member with several tenants (the figure in BENCHMARKS.md).
//!
//! Run with `cargo bench -p maxai-core --bench policy`.

use criterion::{Criterion, criterion_group, criterion_main};
use maxai_core::{
    Action, Principal, Resource, authorize,
    policy::{Credential, Grant},
};
use maxai_ports::{ClientId, TenantId, roles::TenantRole};

fn policy_check(c: &mut Criterion) {
    let tenants: Vec<TenantId> = (0..8).map(|_| TenantId::new()).collect();
    let grants =
        tenants.iter().map(|&tenant| Grant { tenant, role: TenantRole::Editor, client: None }).collect();
    let principal = Principal {
        actor: "user:bench".into(),
        credential: Credential::Person { platform_role: None, grants },
    };
    let allowed = Resource::Tenant { tenant: tenants[7], client: Some(ClientId::new()) };
    let denied = Resource::Tenant { tenant: TenantId::new(), client: None };
    c.bench_function("authorize allowed", |b| {
        b.iter(|| {
            authorize(std::hint::black_box(&principal), Action::AgentWrite, std::hint::black_box(allowed))
        })
    });
    c.bench_function("authorize denied", |b| {
        b.iter(|| {
            authorize(std::hint::black_box(&principal), Action::AgentWrite, std::hint::black_box(denied))
        })
    });
}

criterion_group!(benches, policy_check);
criterion_main!(benches);
