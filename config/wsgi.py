from langnghe.core.wsgi import application as _application

application = _application()
