"""Write new copy: search the current winning copy by meaning, for a brand or all."""

from django.shortcuts import get_object_or_404, render

from content.forms import WinnerSearchForm
from content.models import Brand
from content.services import winner_store
from workspaces.access import workspace_view


@workspace_view
def write_copy(request):
    brands = Brand.objects.for_workspace(request.workspace).order_by("name")
    form = WinnerSearchForm(request.GET or request.POST or None, brands=brands)
    results = []
    if form.is_bound and form.is_valid():
        brand = None
        if form.cleaned_data["brand_id"]:
            brand = get_object_or_404(
                Brand.objects.for_workspace(request.workspace), pk=form.cleaned_data["brand_id"]
            )
        results = winner_store.search_winners(
            request.workspace,
            form.cleaned_data["query_text"],
            form.cleaned_data["limit"] or 5,
            brand=brand,
        )
    context = {
        "form": form,
        "results": results,
        "searched": bool(form.is_bound and form.data.get("query_text", "").strip()),
        "stats": winner_store.winner_stats(request.workspace),
    }
    if request.htmx:
        return render(request, "content/write.html#results", context)
    return render(request, "content/write.html", context)
