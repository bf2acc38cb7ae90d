"""Reads of the content app that pages and API routes share."""

from django.db.models import Count

from content.models import Brand, WinningCopy


def brands_overview(workspace):
    """The workspace's brands by name, each with its number of posts, experiments and current winners."""
    brands = (
        Brand.objects.for_workspace(workspace)
        .annotate(n_posts=Count("posts", distinct=True), n_experiments=Count("experiments", distinct=True))
        .order_by("name")
    )
    winners = dict(
        WinningCopy.objects.for_workspace(workspace)
        .filter(is_current=True)
        .values_list("brand_id")
        .annotate(n=Count("id"))
    )
    for brand in brands:
        brand.n_winners = winners.get(brand.id, 0)
    return brands
