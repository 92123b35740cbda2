"""The baseline: Flask-Security-Too 5.9's stock views on our stack (Flask-WTF, SQLAlchemy on
PostgreSQL, argon2id with our parameters). ``setup=True`` makes its tables and one account."""

import os

from flask import Flask
from flask_security import Security, SQLAlchemyUserDatastore, hash_password
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy

ARGON2 = {"argon2__memory_cost": 19456, "argon2__rounds": 2, "argon2__parallelism": 1}


def create_app(setup: bool = False) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="bench-only", SECURITY_PASSWORD_SALT="bench-only")
    app.config.update(SQLALCHEMY_DATABASE_URI=os.environ["BENCH_DB"])
    app.config.update(SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS=ARGON2)
    fsqla.FsModels.set_db_info(db := SQLAlchemy(app))
    role = type("Role", (db.Model, fsqla.FsRoleMixin), {})
    users = SQLAlchemyUserDatastore(db, type("User", (db.Model, fsqla.FsUserMixin), {}), role)
    Security(app, users)
    email, password = os.environ["BENCH_EMAIL"], os.environ["BENCH_PASSWORD"]
    if setup:  # anew each run: its own three tables only
        with app.app_context():
            db.drop_all(), db.create_all()
            users.create_user(email=email, password=hash_password(password))
            db.session.commit()
    return app
