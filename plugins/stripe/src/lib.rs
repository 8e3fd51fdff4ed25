//! The Stripe plugin: the payments port on a tenant's own Stripe account, and Stripe's webhooks.
//!
//! Requests go to `https://api.stripe.com/v1` as form bodies in Stripe's bracket notation, with
//! the tenant's secret key attached by the host as a bearer token, `Stripe-Version` pinned, and
//! the step's idempotency key as `Idempotency-Key` on every POST. Webhooks are checked against
//! `Stripe-Signature` with the endpoint's signing secret, which the host holds under the name
//! `webhook_secret`.

mod api;
mod payments;
mod webhooks;

use maxai_plugin_sdk::{CallContext, PortResult};

maxai_plugin_sdk::bindings!("maxai:ports/payments-adapter");

use exports::maxai::ports::{
    payments as port,
    webhooks::{self as hooks, CanonicalEvent, Incoming, WebhookError},
};

struct Plugin;

impl port::Guest for Plugin {
    fn create_customer(call: CallContext, input: port::CreateCustomerRequest) -> PortResult<port::Customer> {
        payments::create_customer(&call, input)
    }

    fn create_checkout(call: CallContext, input: port::CreateCheckoutRequest) -> PortResult<port::Checkout> {
        payments::create_checkout(&call, input)
    }

    fn get_payment_status(_: CallContext, id: String) -> PortResult<port::Payment> {
        payments::get_payment_status(&id)
    }

    fn refund(call: CallContext, input: port::RefundRequest) -> PortResult<port::RefundReceipt> {
        payments::refund(&call, input)
    }

    fn list_invoices(_: CallContext, input: port::ListInvoicesRequest) -> PortResult<port::InvoicePage> {
        payments::list_invoices(input)
    }
}

impl hooks::Guest for Plugin {
    fn verify(req: Incoming) -> Result<(), WebhookError> {
        webhooks::verify(&req)
    }

    fn normalize(req: Incoming) -> Result<Vec<CanonicalEvent>, WebhookError> {
        webhooks::normalize(&req)
    }
}

export!(Plugin);
