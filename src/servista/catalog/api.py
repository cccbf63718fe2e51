"""REST resources /api/v1/services (the portfolio, with its reviews) and
/api/v1/service-offerings."""

from ninja.decorators import decorate_view

from servista.core.api import idempotent
from servista.core.model_api import ModelAPI, errors
from servista.core.serializers import json_response

from . import services
from .filtersets import ServiceFilterSet
from .models import Service, ServiceOffering
from .schemas import (
    PortfolioReviewIn,
    PortfolioReviewOut,
    ServiceIn,
    ServiceOfferingIn,
    ServiceOfferingOut,
    ServiceOfferingPatch,
    ServiceOut,
    ServicePatch,
)


class ServiceAPI(ModelAPI):
    model = Service
    name = "services"
    out_schema = ServiceOut
    create_schema = ServiceIn
    update_schema = ServicePatch
    filterset = ServiceFilterSet

    def get_queryset(self, request):
        return Service.objects.select_related("owner_group", "owner", "configuration_item") \
            .prefetch_related("customers")


resource = ServiceAPI()
router = resource.router()


def review_out(made) -> dict:
    user = made.reviewed_by
    return {"id": made.pk, "outcome": made.outcome, "reviewed_on": made.reviewed_on,
            "reason": made.reason,
            "reviewed_by": {"id": user.pk, "username": user.username, "display": str(user)}
            if user else None}


@router.get("/{ident}/reviews", response={200: list[PortfolioReviewOut], **errors(401, 404)},
            operation_id="reviews_services", summary="The service's portfolio reviews")
def service_reviews(request, ident: str):
    service = resource.get_object(request, ident)
    return json_response([review_out(r) for r in
                          service.reviews.select_related("reviewed_by")[:200]])


@router.post("/{ident}/reviews",
             response={201: PortfolioReviewOut, **errors(400, 401, 403, 404, 422)},
             operation_id="review_services",
             summary="Record a portfolio review: renew, replace, retain, refactor, retire or "
                     "rationalise, with its date and reason")
@decorate_view(idempotent)
def review_service(request, ident: str, payload: PortfolioReviewIn):
    service = resource.get_object(request, ident)
    made = services.review(service, request.auth, **payload.model_dump())
    return json_response(review_out(made), 201)


class ServiceOfferingAPI(ModelAPI):
    model = ServiceOffering
    name = "service-offerings"
    out_schema = ServiceOfferingOut
    create_schema = ServiceOfferingIn
    update_schema = ServiceOfferingPatch

    def get_queryset(self, request):
        return ServiceOffering.objects.select_related("service")


offerings = ServiceOfferingAPI().router()


ROUTES = [("/services", router), ("/service-offerings", offerings)]
