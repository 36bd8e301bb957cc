"""Alembic's environment: runs the migrations on the engine ``db.upgrade`` hands over."""

from alembic import context

from contractgen.register.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
