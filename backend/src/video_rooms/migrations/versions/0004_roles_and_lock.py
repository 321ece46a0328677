"""participants' roles (host, co-host) and rooms a host locked

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=True))
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True))
    # Until now the creator was the only host, named by rooms.creator_id.
    op.execute(
        "UPDATE participants SET role = 'host' "
        "WHERE id IN (SELECT creator_id FROM rooms WHERE creator_id IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("locked_at")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("role")
