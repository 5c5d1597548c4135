//! Card-on-file customers: creating one saves its single-use token as a
//! multi-pay token; one card per customer; a card is revoked before another
//! is saved, and saving the same card again is a 409.

use hyper::StatusCode;

use super::errors::Failure;
use super::exchange::{Exchange, Reply};
use super::state::{CustomerRecord, Funding, PaymentToken, Reuse, Store, with_id};
use crate::models::{
    CreateCustomerRequest, Customer, CustomerSources, DeletedSource, ErrorCode, ErrorType,
    UpdateCustomerRequest,
};

impl Store {
    pub(super) fn create_customer(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: CreateCustomerRequest = exchange.body()?;
        check_email(&request.email)?;
        let id = self.id("CU");
        let funding = self.unspent_card(&request.source)?;
        let created = self.now_millis();
        let mut customer = Customer {
            object: Some("customer".to_owned()),
            created: Some(created),
            currency: Some("usd".to_owned()),
            email: Some(request.email),
            name: request
                .name
                .or_else(|| full_name(request.first_name, request.last_name)),
            phone: request.phone,
            shipping: request.shipping,
            ..with_id(&id)
        };
        let saved = self.save(&request.source, funding, &id);
        customer.sources = Some(sources(Some(&saved)));
        self.customers.push(CustomerRecord {
            customer: customer.clone(),
            saved_source: Some(saved),
        });
        Ok(Reply::ok(&customer))
    }

    pub(super) fn update_customer(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: UpdateCustomerRequest = exchange.body()?;
        let id = exchange.param(0).to_owned();
        let saved_funding = {
            let record = self
                .customer_mut(&id)
                .ok_or_else(|| Failure::missing("customer", "customerId"))?;
            record.saved_source.clone()
        }
        .and_then(|saved| self.tokens.get(&saved))
        .map(|token| token.funding.clone());
        if let Some(email) = &request.email {
            check_email(email)?;
        }
        let new_source = match &request.source {
            Some(source) => {
                let funding = self.unspent_card(source)?;
                match saved_funding {
                    Some(saved) if saved == funding => {
                        return Err(Failure::new(
                            StatusCode::CONFLICT,
                            ErrorType::InvalidRequestError,
                            "This card is already on file for the customer.",
                        )
                        .param("source"));
                    }
                    Some(_) => {
                        return Err(Failure::invalid(
                            "source",
                            "The customer already has a card on file; revoke it before saving another.",
                        ));
                    }
                    None => Some(self.save(source, funding, &id)),
                }
            }
            None => None,
        };
        let record = self.customer_mut(&id).expect("the customer exists");
        let customer = &mut record.customer;
        if let Some(saved) = new_source {
            customer.sources = Some(sources(Some(&saved)));
            record.saved_source = Some(saved);
        }
        let name = request
            .name
            .or_else(|| full_name(request.first_name, request.last_name));
        for (field, value) in [
            (&mut customer.email, request.email),
            (&mut customer.name, name),
            (&mut customer.phone, request.phone),
        ] {
            if value.is_some() {
                *field = value;
            }
        }
        if request.shipping.is_some() {
            customer.shipping = request.shipping;
        }
        Ok(Reply::ok(&record.customer))
    }

    pub(super) fn revoke_customer_source(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let (id, source) = (exchange.param(0), exchange.param(1));
        let record = self
            .customer_mut(id)
            .ok_or_else(|| Failure::missing("customer", "customerId"))?;
        if record.saved_source.as_deref() != Some(source) {
            return Err(Failure::missing("source", "sourceId"));
        }
        record.saved_source = None;
        record.customer.sources = Some(sources(None));
        self.tokens.remove(source);
        Ok(Reply::ok(&DeletedSource {
            id: source.to_owned(),
            object: Some("deletedcard".to_owned()),
            deleted: Some(true),
        }))
    }

    /// The card or bank account behind a single-use token not yet spent.
    fn unspent_card(&self, token_id: &str) -> Result<Funding, Failure> {
        let token = self
            .tokens
            .get(token_id)
            .ok_or_else(|| Failure::invalid("source", "No such token."))?;
        match (&token.reuse, &token.funding) {
            (Reuse::Once(true), _) => Err(Failure::refused(
                ErrorCode::TokenAlreadyUsed,
                "This token has already been used.",
            )
            .param("source")),
            (Reuse::Once(false), Funding::Card(_) | Funding::Ach { .. }) => {
                Ok(token.funding.clone())
            }
            _ => Err(Failure::invalid(
                "source",
                "Only a single-use card or ACH token can be saved.",
            )),
        }
    }

    /// Spends `token_id` and saves its funding as a multi-pay token of the
    /// customer; the new token's id.
    fn save(&mut self, token_id: &str, funding: Funding, customer: &str) -> String {
        if let Some(token) = self.tokens.get_mut(token_id) {
            token.reuse = Reuse::Once(true);
        }
        let saved = self.token_id();
        self.tokens.insert(
            saved.clone(),
            PaymentToken {
                funding,
                reuse: Reuse::SavedTo(customer.to_owned()),
            },
        );
        saved
    }
}

fn check_email(email: &str) -> Result<(), Failure> {
    let valid = email
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    if valid {
        Ok(())
    } else {
        Err(
            Failure::refused(ErrorCode::EmailInvalid, "The email address is invalid.")
                .param("email"),
        )
    }
}

fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    let parts: Vec<String> = first.into_iter().chain(last).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn sources(saved: Option<&str>) -> CustomerSources {
    CustomerSources {
        object: Some("list".to_owned()),
        has_more: Some(false),
        data: Some(saved.into_iter().map(str::to_owned).collect()),
    }
}
