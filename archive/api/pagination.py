"""Page-number pagination with a capped page size and readable errors: a page that is
not a page number is a 400 (as in a search), one past the end a 404."""

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from search.params import Number, Problem
from search.types import MAX_PAGE_SIZE

PAGE = Number(1)


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        page = (request.query_params.get(self.page_query_param) or "").strip()
        if page and page not in self.last_page_strings:  # blank: the first, as DRF reads it
            try:
                PAGE.read(page)
            except Problem as problem:
                raise ValidationError({self.page_query_param: str(problem)}) from None
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(self._past_the_end(queryset, request)) from None

    def _past_the_end(self, queryset, request) -> str:
        page = request.query_params.get(self.page_query_param, "")
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            paginator.validate_number(page)
        except InvalidPage as exc:
            return f"Page {page!r}: {exc} (there are {paginator.num_pages} pages)."
        return f"Page {page!r} does not exist."
