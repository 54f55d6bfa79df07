"""The change list with Django's date drill-down bounded: a year, month or day whose end
is past 9999-12-31 (``?published__year=9999``) cannot be a date range. Django finds
that out after checking the values, as an OverflowError or ValueError (a 500); here it is
the IncorrectLookupParameters it gives any other value that no row can match, and the
list opens again unfiltered with "?e=1"."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            if not self._drilled_down():
                raise  # not the date drill-down's: a bug, not a bad value
            raise IncorrectLookupParameters(error) from error

    def _drilled_down(self) -> bool:
        prefix = f"{self.date_hierarchy}__"
        return bool(self.date_hierarchy) and any(k.startswith(prefix) for k in self.params)


class BoundedDates:
    """For a ModelAdmin with a ``date_hierarchy``: its list is a ``BoundedChangeList``."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList
