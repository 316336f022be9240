# MentorSiG production image: trytond 8.0 + our modules + the web client.
# Built on python:3.11-slim rather than tryton/tryton:8.0 so that the image
# installs exactly the pins of requirements.txt and web/package-lock.json,
# the same files `make run` and `make test` use: what CI tests is what ships.
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --omit=dev --legacy-peer-deps --no-audit --no-fund

FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        postgresql-client fonts-dejavu-core fonts-wqy-zenhei fonts-symbola \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /var/lib/trytond trytond
WORKDIR /opt/mentorsig
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY pyproject.toml README.md ./
COPY mentorsig_invoicing ./mentorsig_invoicing
COPY mentorsig_sale ./mentorsig_sale
COPY mentorsig_sale_subscription ./mentorsig_sale_subscription
COPY mentorsig_invoice_email ./mentorsig_invoice_email
COPY mentorsig_extra_field ./mentorsig_extra_field
COPY mentorsig_sepa ./mentorsig_sepa
COPY mentorsig_margin ./mentorsig_margin
COPY mentorsig_payment_links ./mentorsig_payment_links
COPY mentorsig_recurring ./mentorsig_recurring
RUN pip install --no-cache-dir --no-deps .
COPY --from=web /web/node_modules /opt/sao/node_modules
# sao's index.html loads its libraries from node_modules/ under its folder
RUN ln -sfn .. /opt/sao/node_modules/tryton-sao/node_modules
# our additions to the web client, loaded by its index.html
COPY web/custom.js /opt/sao/node_modules/tryton-sao/custom.js
COPY docker/entrypoint.sh /usr/local/bin/mentorsig-entrypoint
RUN mkdir -p /var/lib/trytond/db && chown trytond /var/lib/trytond/db
ENV TRYTOND_WEB__ROOT=/opt/sao/node_modules/tryton-sao \
    TRYTOND_WEB__LISTEN=0.0.0.0:8000 \
    TRYTOND_DATABASE__PATH=/var/lib/trytond/db
USER trytond
EXPOSE 8000
VOLUME ["/var/lib/trytond/db"]
ENTRYPOINT ["mentorsig-entrypoint"]
CMD ["trytond"]
