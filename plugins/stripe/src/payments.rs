//! The payments port on Stripe: customers (`/v1/customers`), payment links (`/v1/payment_links`)
//! and Checkout Sessions (`/v1/checkout/sessions`) with inline `price_data`, PaymentIntents for
//! status, `/v1/refunds` and `/v1/invoices`.

use maxai_plugin_sdk::{CallContext, Money, PortError, PortResult};
use serde::Deserialize;

use crate::{
    api::{self, Form},
    exports::maxai::ports::payments::{
        Checkout, CheckoutKind, CreateCheckoutRequest, CreateCustomerRequest, Customer, Invoice, InvoicePage,
        LineItem, ListInvoicesRequest, Payment, PaymentStatus, RefundReceipt, RefundRequest,
    },
};

/// Refund reasons Stripe knows; any other reason goes to the refund's metadata.
const STRIPE_REFUND_REASONS: [&str; 3] = ["duplicate", "fraudulent", "requested_by_customer"];

/// Stripe's largest page.
const MAX_PAGE: u32 = 100;

#[derive(Deserialize)]
struct StripeCustomer {
    id: String,
    email: Option<String>,
    name: Option<String>,
}

pub fn create_customer(call: &CallContext, input: CreateCustomerRequest) -> PortResult<Customer> {
    let mut form = Form::default();
    form.set_opt("email", input.email.as_deref());
    form.set_opt("name", input.name.as_deref());
    form.set_opt("phone", input.phone.as_deref());
    form.metadata(&input.metadata);
    let customer: StripeCustomer = api::post("/customers", call, &form)?.json()?;
    Ok(Customer { id: customer.id, email: customer.email, name: customer.name })
}

#[derive(Deserialize)]
struct StripeCheckout {
    id: String,
    url: Option<String>,
}

pub fn create_checkout(call: &CallContext, input: CreateCheckoutRequest) -> PortResult<Checkout> {
    if input.line_items.is_empty() {
        return Err(PortError::Invalid(
            "`line_items` is empty: a checkout needs something to pay for".into(),
        ));
    }
    let (path, form) = match input.kind {
        CheckoutKind::CheckoutSession => ("/checkout/sessions", session_form(&input)),
        CheckoutKind::PaymentLink => ("/payment_links", payment_link_form(&input)?),
    };
    let checkout: StripeCheckout = api::post(path, call, &form)?.json()?;
    let url = checkout
        .url
        .ok_or_else(|| PortError::Adapter(format!("Stripe returned {} without a url", checkout.id)))?;
    Ok(Checkout { id: checkout.id, kind: input.kind, url })
}

/// A one-off hosted Checkout Session in `payment` mode.
fn session_form(input: &CreateCheckoutRequest) -> Form {
    let mut form = Form::default();
    form.set("mode", "payment");
    line_items(&mut form, &input.line_items);
    form.set_opt("customer", input.customer_id.as_deref());
    form.set_opt("success_url", input.success_url.as_deref());
    form.set_opt("cancel_url", input.cancel_url.as_deref());
    form.metadata(&input.metadata);
    form
}

/// A reusable payment link; `success_url` becomes its redirect after payment. A link is not tied
/// to a customer, and has no cancel page (`cancel_url` is for sessions).
fn payment_link_form(input: &CreateCheckoutRequest) -> PortResult<Form> {
    if input.customer_id.is_some() {
        return Err(PortError::Invalid(
            "a payment link is not tied to a customer: drop `customer_id` or ask for a checkout session"
                .into(),
        ));
    }
    let mut form = Form::default();
    line_items(&mut form, &input.line_items);
    if let Some(url) = &input.success_url {
        form.set("after_completion[type]", "redirect");
        form.set("after_completion[redirect][url]", url);
    }
    form.metadata(&input.metadata);
    Ok(form)
}

/// `line_items[i][price_data][…]` and `line_items[i][quantity]`: prices made inline, one product
/// per item, named as the item.
fn line_items(form: &mut Form, items: &[LineItem]) {
    for (i, item) in items.iter().enumerate() {
        let key = |rest: &str| format!("line_items[{i}]{rest}");
        form.set(key("[price_data][currency]"), &item.unit_amount.currency);
        form.set(key("[price_data][unit_amount]"), item.unit_amount.amount_minor);
        form.set(key("[price_data][product_data][name]"), &item.name);
        form.set(key("[quantity]"), item.quantity);
    }
}

#[derive(Deserialize)]
struct StripePaymentIntent {
    id: String,
    status: String,
    amount: i64,
    currency: String,
    last_payment_error: Option<serde_json::Value>,
}

pub fn get_payment_status(id: &str) -> PortResult<Payment> {
    let path = format!("/payment_intents/{}", api::id_segment("PaymentIntent", id)?);
    let intent: StripePaymentIntent = api::get(&path, &[])?.json()?;
    let status = payment_status(&intent.status, intent.last_payment_error.is_some())
        .ok_or_else(|| PortError::Adapter(format!("unknown PaymentIntent status `{}`", intent.status)))?;
    Ok(Payment {
        id: intent.id,
        status,
        amount: Money { amount_minor: intent.amount, currency: intent.currency },
    })
}

/// A PaymentIntent's status in the port's terms. `requires_payment_method` after a failed
/// attempt (Stripe then sets `last_payment_error`) is a failure; before any attempt it is
/// waiting for the customer, as are confirmation, processing and an uncaptured authorization.
pub fn payment_status(stripe: &str, attempt_failed: bool) -> Option<PaymentStatus> {
    Some(match stripe {
        "requires_payment_method" if attempt_failed => PaymentStatus::Failed,
        "requires_payment_method" | "requires_confirmation" | "processing" | "requires_capture" => {
            PaymentStatus::Pending
        }
        "requires_action" => PaymentStatus::RequiresAction,
        "succeeded" => PaymentStatus::Succeeded,
        "canceled" => PaymentStatus::Canceled,
        _ => return None,
    })
}

#[derive(Deserialize)]
struct StripeRefund {
    id: String,
    status: Option<String>,
    amount: i64,
    currency: String,
}

/// Refunds a PaymentIntent (`pi_…`) or a charge (`ch_…`); the amount is in the payment's
/// currency (Stripe takes no currency for a refund).
pub fn refund(call: &CallContext, input: RefundRequest) -> PortResult<RefundReceipt> {
    let mut form = Form::default();
    let target = if input.payment_id.starts_with("ch_") { "charge" } else { "payment_intent" };
    form.set(target, &input.payment_id);
    if let Some(amount) = &input.amount {
        form.set("amount", amount.amount_minor);
    }
    match input.reason.as_deref() {
        Some(reason) if STRIPE_REFUND_REASONS.contains(&reason) => form.set("reason", reason),
        Some(reason) => form.set("metadata[reason]", reason),
        None => {}
    }
    let refund: StripeRefund = api::post("/refunds", call, &form)?.json()?;
    Ok(RefundReceipt {
        id: refund.id,
        status: refund_status(refund.status.as_deref()).into(),
        amount: Money { amount_minor: refund.amount, currency: refund.currency },
    })
}

/// `pending`, `succeeded` or `failed`: Stripe's `requires_action` is still pending, and a
/// `canceled` refund did not happen.
fn refund_status(stripe: Option<&str>) -> &'static str {
    match stripe {
        Some("succeeded") => "succeeded",
        Some("failed" | "canceled") => "failed",
        _ => "pending",
    }
}

#[derive(Deserialize)]
struct StripeList<T> {
    data: Vec<T>,
    has_more: bool,
}

#[derive(Deserialize)]
struct StripeInvoice {
    id: String,
    number: Option<String>,
    status: Option<String>,
    total: i64,
    currency: String,
    hosted_invoice_url: Option<String>,
    created: i64,
}

/// Newest first, as Stripe lists them; the cursor is the last invoice's id (`starting_after`).
pub fn list_invoices(input: ListInvoicesRequest) -> PortResult<InvoicePage> {
    let mut query = vec![("limit", input.limit.unwrap_or(10).clamp(1, MAX_PAGE).to_string())];
    if let Some(customer) = input.customer_id {
        query.push(("customer", customer));
    }
    if let Some(cursor) = input.cursor {
        query.push(("starting_after", cursor));
    }
    let list: StripeList<StripeInvoice> = api::get("/invoices", &query)?.json()?;
    let next_cursor = if list.has_more { list.data.last().map(|i| i.id.clone()) } else { None };
    Ok(InvoicePage { invoices: list.data.into_iter().map(invoice).collect(), next_cursor })
}

fn invoice(invoice: StripeInvoice) -> Invoice {
    Invoice {
        id: invoice.id,
        number: invoice.number,
        status: invoice.status.unwrap_or_else(|| "draft".into()),
        total: Money { amount_minor: invoice.total, currency: invoice.currency },
        hosted_url: invoice.hosted_invoice_url,
        created_at: maxai_plugin_sdk::time::rfc3339(invoice.created),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, amount: i64, quantity: u32) -> LineItem {
        LineItem {
            name: name.into(),
            unit_amount: Money { amount_minor: amount, currency: "eur".into() },
            quantity,
        }
    }

    #[test]
    fn line_items_use_inline_prices_in_bracket_notation() {
        let mut form = Form::default();
        line_items(&mut form, &[item("Haircut", 2500, 1), item("Wash", 800, 2)]);
        let pairs: Vec<(&str, &str)> = form.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs[..4],
            [
                ("line_items[0][price_data][currency]", "eur"),
                ("line_items[0][price_data][unit_amount]", "2500"),
                ("line_items[0][price_data][product_data][name]", "Haircut"),
                ("line_items[0][quantity]", "1"),
            ]
        );
        assert_eq!(pairs[7], ("line_items[1][quantity]", "2"));
    }

    #[test]
    fn payment_intent_statuses_map_to_the_port() {
        assert!(matches!(payment_status("requires_payment_method", false), Some(PaymentStatus::Pending)));
        assert!(matches!(payment_status("requires_payment_method", true), Some(PaymentStatus::Failed)));
        assert!(matches!(payment_status("requires_confirmation", false), Some(PaymentStatus::Pending)));
        assert!(matches!(payment_status("requires_action", false), Some(PaymentStatus::RequiresAction)));
        assert!(matches!(payment_status("processing", false), Some(PaymentStatus::Pending)));
        assert!(matches!(payment_status("succeeded", false), Some(PaymentStatus::Succeeded)));
        assert!(matches!(payment_status("canceled", false), Some(PaymentStatus::Canceled)));
        assert!(payment_status("exploded", false).is_none());
    }

    #[test]
    fn refund_statuses_are_the_ports_three() {
        assert_eq!(refund_status(Some("succeeded")), "succeeded");
        assert_eq!(refund_status(Some("requires_action")), "pending");
        assert_eq!(refund_status(Some("canceled")), "failed");
        assert_eq!(refund_status(None), "pending");
    }
}
