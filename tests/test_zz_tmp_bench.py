import time, pytest, cProfile, pstats
from claims.library_csv import import_sources, import_publishers
@pytest.mark.django_db
def test_bench(admin_user):
    import_publishers("name,domains\nN,n.example\n", by=admin_user)
    data = "url,title,publisher,kind\n" + "".join(f"https://n.example/{i},T{i},N,news\n" for i in range(300))
    import_sources(data, by=admin_user)
    pr=cProfile.Profile(); pr.enable()
    import_sources(data, by=admin_user)
    pr.disable(); pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
