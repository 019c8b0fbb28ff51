"""Demo ads: fictional advertisers and campaigns so that every slot kind shows a labelled ad.

Idempotent: advertisers, campaigns and the sponsored article are found by name and made only
when missing; a second run changes nothing.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.images.models import Image

from depesche.ads.models import Advertiser, Campaign
from depesche.newsroom.models import ArticlePage, SectionPage

SPONSOR = "Nordlicht Stadtwerke"
SPONSORED_TITLE = "Wie ein Stadtwerk den Strom vom Dach ins Netz holt"
SPONSORED_TEASER = (
    "Balkonkraftwerk, Speicher, Mieterstrom: Was Haushalte heute selbst erzeugen können und "
    "wie der Strom vom eigenen Dach ins Netz kommt."
)
SPONSORED_BODY = [
    "Immer mehr Haushalte erzeugen ihren Strom selbst. Auf Garagendächern, Balkonen und "
    "Fassaden entstehen kleine Kraftwerke, die zusammen so viel leisten wie ein mittleres "
    "Kohlekraftwerk.",
    "Damit der Strom dort ankommt, wo er gebraucht wird, muss das Netz mitwachsen. Zähler "
    "werden digital, Speicher im Keller gleichen Spitzen aus, und Mieter können über "
    "Mieterstrommodelle an der Anlage auf dem Dach ihres Hauses teilhaben.",
    "Wer einsteigen will, beginnt am besten mit einer einfachen Frage: Wie viel Strom "
    "verbraucht der Haushalt tagsüber? Je höher der Eigenverbrauch, desto schneller rechnet "
    "sich eine Anlage.",
    "Förderprogramme von Bund, Ländern und Kommunen senken die Kosten zusätzlich. Eine "
    "unabhängige Energieberatung hilft, den Überblick zu behalten.",
]


def _banner() -> Image:
    """A simple generated banner (Pillow) as a Wagtail image."""
    existing = Image.objects.filter(title="Demo-Anzeige Radhaus Lindner").first()
    if existing is not None:
        return existing
    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", (600, 300), "#1f4e5f")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 220, 600, 300), fill="#f2b134")
    draw.ellipse((60, 120, 180, 240), outline="#ffffff", width=10)
    draw.ellipse((260, 120, 380, 240), outline="#ffffff", width=10)
    draw.line((120, 180, 200, 110, 320, 180, 240, 110, 200, 110), fill="#ffffff", width=8)
    draw.text((420, 60), "Radhaus", fill="#ffffff", font_size=36)
    draw.text((420, 105), "Lindner", fill="#ffffff", font_size=36)
    draw.text(
        (40, 245), "Winter-Check für Ihr Rad: jetzt Termin sichern", fill="#1f2328", font_size=26
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = Image(title="Demo-Anzeige Radhaus Lindner")
    image.file = ImageFile(buffer, name="demo-anzeige-radhaus-lindner.png")
    image.save()
    return image


def _sponsored_article() -> ArticlePage | None:
    existing = ArticlePage.objects.filter(sponsor=SPONSOR, title=SPONSORED_TITLE).first()
    if existing is not None:
        return existing
    section = SectionPage.objects.filter(slug="wirtschaft").first()
    if section is None:
        return None
    article = ArticlePage(
        title=SPONSORED_TITLE,
        teaser=SPONSORED_TEASER,
        sponsor=SPONSOR,
        byline=SPONSOR,
    )
    article.body = StreamValue(
        ArticlePage.body.field.stream_block,
        [("paragraph", f"<p>{text}</p>") for text in SPONSORED_BODY],
    )
    article.tags.set(["Energie"])
    section.add_child(instance=article)
    article.save_revision().publish()
    article.refresh_from_db()
    return article


def _campaign(advertiser: str, name: str, **fields: object) -> Campaign:
    owner, _ = Advertiser.objects.get_or_create(name=advertiser)
    campaign = Campaign.objects.filter(advertiser=owner, name=name).first()
    if campaign is not None:
        return campaign
    campaign = Campaign(
        advertiser=owner,
        name=name,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=None,
        **fields,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def demo_ads_ensure() -> int:
    """Create the demo campaigns that are missing; returns how many campaigns exist then."""
    article = _sponsored_article()
    if article is not None:
        _campaign(
            SPONSOR,
            "Strom vom Dach",
            kind=Campaign.Kind.NATIVE,
            brand=SPONSOR,
            headline="Strom vom eigenen Dach: So klappt der Einstieg",
            teaser="Balkonkraftwerk, Speicher, Mieterstrom – was heute schon geht.",
            sponsored_article=article,
            weight=2,
        )
    _campaign(
        "Kaffeerösterei Bohnenwerk",
        "Adventskalender",
        kind=Campaign.Kind.NATIVE,
        brand="Kaffeerösterei Bohnenwerk",
        headline="24 Türchen, 24 Röstungen: der Kaffee-Adventskalender",
        teaser="Jeden Morgen eine neue Bohne aus kleinen Röstereien – frisch geröstet in Leipzig.",
        target_url="https://bohnenwerk.example/adventskalender",
    )
    _campaign(
        "Radhaus Lindner",
        "Winter-Check",
        kind=Campaign.Kind.IMAGE,
        image=_banner(),
        alt_text="Radhaus Lindner: Winter-Check für Ihr Rad – jetzt Termin sichern",
        target_url="https://radhaus-lindner.example/winter-check",
    )
    _campaign(
        "Depesche",
        "Wochenrückblick (Eigenanzeige)",
        kind=Campaign.Kind.NATIVE,
        house=True,
        brand="Depesche",
        headline="Der Wochenrückblick: die wichtigsten Themen jeden Samstag",
        teaser="Kostenlos per E-Mail – oder zum Hören als Podcast.",
        target_url="/newsletter/",
    )
    return Campaign.objects.count()
