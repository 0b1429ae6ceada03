from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "langnghe.orgs"
    label = "orgs"
    verbose_name = "Tổ chức và con người"
