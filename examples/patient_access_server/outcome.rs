//! Error responses: an HTTP status with an OperationOutcome body.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fhir_payer::primitives::Primitive;
use fhir_payer::r4::{IssueSeverity, IssueType, OperationOutcome, OperationOutcomeIssue, Resource};

/// The media type of every FHIR response of this server.
pub const FHIR_JSON: &str = "application/fhir+json";

/// A failed request.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body, boxed because an OperationOutcome is several hundred bytes.
    pub outcome: Box<OperationOutcome>,
}

impl ApiError {
    /// Creates an error with one `error` issue whose diagnostics are `message`.
    pub fn new(status: StatusCode, code: IssueType, message: &str) -> Self {
        let issue = OperationOutcomeIssue {
            severity: Some(Primitive::new(IssueSeverity::Error)),
            code: Some(Primitive::new(code)),
            diagnostics: Some(Primitive::new(message.to_owned())),
            ..OperationOutcomeIssue::default()
        };
        ApiError {
            status,
            outcome: Box::new(OperationOutcome {
                issue: vec![issue],
                ..OperationOutcome::default()
            }),
        }
    }

    /// 400 with `invalid`.
    pub fn bad_request(message: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, IssueType::Invalid, message)
    }

    /// 401 with `login`.
    pub fn unauthorized(message: &str) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, IssueType::Login, message)
    }

    /// 403 with `forbidden`.
    pub fn forbidden(message: &str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, IssueType::Forbidden, message)
    }

    /// 404 with `not-found`.
    pub fn not_found(message: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, IssueType::NotFound, message)
    }

    /// 500 with `exception`.
    pub fn internal(message: &str) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            IssueType::Exception,
            message,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unauthorized = self.status == StatusCode::UNAUTHORIZED;
        let mut response = fhir_response(self.status, &Resource::OperationOutcome(self.outcome));
        if unauthorized {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Serializes a resource as the body of a response with `status`.
pub fn fhir_response(status: StatusCode, resource: &Resource) -> Response {
    match fhir_payer::json::to_vec(resource) {
        Ok(body) => (status, [(header::CONTENT_TYPE, FHIR_JSON)], body).into_response(),
        Err(error) => {
            eprintln!(
                "error: failed to serialize a {} response: {error}",
                resource.resource_type()
            );
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("failed to serialize the response: {error}"),
            )
                .into_response()
        }
    }
}
