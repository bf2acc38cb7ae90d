"""Objects of a workspace for the tenant isolation test, by URL kwarg name."""

from tests.content.factories import BrandFactory, ExperimentFactory, MetricImportFactory, WinnerRunFactory

OBJECT_FACTORIES = {
    "brand_id": lambda workspace: BrandFactory(workspace=workspace).id,
    "experiment_id": lambda workspace: ExperimentFactory(brand=BrandFactory(workspace=workspace)).id,
    "import_id": lambda workspace: MetricImportFactory(workspace=workspace).id,
    "run_id": lambda workspace: WinnerRunFactory(workspace=workspace).id,
}
