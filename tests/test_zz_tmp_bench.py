import time, pytest
from claims.library_csv import import_sources, import_publishers
@pytest.mark.django_db
def test_bench(admin_user):
    import_publishers("name,domains\nN,n.example\n", by=admin_user)
    data = "url,title,publisher,kind\n" + "".join(f"https://n.example/{i},T{i},N,news\n" for i in range(2000))
    data2 = "url,title\n" + "".join(f"https://n.example/x{i},T{i}\n" for i in range(2000))
    for d in (data, data, data2):
        t=time.perf_counter(); r = import_sources(d, by=admin_user)
        print("bench", time.perf_counter()-t, r.created, r.unchanged)
