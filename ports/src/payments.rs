//! The payments port, gateway-agnostic: customers, payment links and checkouts, refunds and
//! invoices on a tenant's own payment account (Stripe first). No card data ever passes here.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::define_port;

define_port! {
    /// Taking payments from the tenant's customers.
    pub trait Payments = "payments" {
        Write fn create_customer(CreateCustomer) -> Customer = "Creates a customer at the payment provider.";
        Financial fn create_checkout(CreateCheckout) -> Checkout = "Creates a payment link or a hosted checkout session to send to a customer.";
        Read fn get_payment_status(GetPaymentStatus) -> Payment = "Gets a payment's status.";
        Financial fn refund(Refund) -> RefundReceipt = "Refunds a payment, wholly or in part.";
        Read fn list_invoices(ListInvoices) -> InvoicePage = "Lists invoices, newest first.";
    }
}

/// An amount in the currency's smallest unit (cents), never a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Amount in minor units: 1050 is 10.50.
    pub amount_minor: i64,
    /// ISO 4217 code, lower case (`usd`).
    pub currency: String,
}

/// Input of `payments.create_customer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    /// Email.
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// Free-form key-value data kept at the provider.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// A customer at the payment provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Customer {
    /// The provider's id.
    pub id: String,
    /// Email.
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
}

/// A reusable link, or a one-off hosted checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutKind {
    /// A payment link.
    PaymentLink,
    /// A checkout session.
    CheckoutSession,
}

/// Something to pay for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineItem {
    /// What it is.
    pub name: String,
    /// Price of one.
    pub unit_amount: Money,
    /// How many.
    pub quantity: u32,
}

/// Input of `payments.create_checkout`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCheckout {
    /// Link or session.
    pub kind: CheckoutKind,
    /// The customer, for a session.
    pub customer_id: Option<String>,
    /// What is paid for.
    pub line_items: Vec<LineItem>,
    /// Where the customer goes after paying.
    pub success_url: Option<String>,
    /// Where the customer goes after cancelling (sessions).
    pub cancel_url: Option<String>,
    /// Free-form key-value data kept at the provider.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// A link or session to send to the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Checkout {
    /// The provider's id.
    pub id: String,
    /// Link or session.
    pub kind: CheckoutKind,
    /// Where the customer pays.
    pub url: String,
}

/// Input of `payments.get_payment_status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPaymentStatus {
    /// The provider's payment id.
    pub id: String,
}

/// Where a payment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Waiting for the customer.
    Pending,
    /// Needs the customer to act (authentication).
    RequiresAction,
    /// Paid.
    Succeeded,
    /// Failed.
    Failed,
    /// Cancelled.
    Canceled,
}

/// A payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Payment {
    /// The provider's id.
    pub id: String,
    /// Its status.
    pub status: PaymentStatus,
    /// Its amount.
    pub amount: Money,
}

/// Input of `payments.refund`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refund {
    /// The payment.
    pub payment_id: String,
    /// How much; all of it when absent.
    pub amount: Option<Money>,
    /// Why, for the records.
    pub reason: Option<String>,
}

/// A refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefundReceipt {
    /// The provider's id.
    pub id: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// How much.
    pub amount: Money,
}

/// Input of `payments.list_invoices`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInvoices {
    /// Only this customer's.
    pub customer_id: Option<String>,
    /// Most invoices to return.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of invoices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InvoicePage {
    /// The invoices.
    pub invoices: Vec<Invoice>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// An invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Invoice {
    /// The provider's id.
    pub id: String,
    /// Its number, once finalized.
    pub number: Option<String>,
    /// `draft`, `open`, `paid`, `void` or `uncollectible`.
    pub status: String,
    /// Its total.
    pub total: Money,
    /// Where the customer can see and pay it.
    pub hosted_url: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}
