"""StreamField blocks of an article body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# The rich-text features editors get; the importer sanitises ninjs body_html to the same set.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Zitat"))
    attribution = blocks.CharBlock(required=False, label=_("Quelle des Zitats"))

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "newsroom/blocks/quote.html"


class ArticleImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Bild"))
    caption = blocks.CharBlock(required=False, label=_("Bildunterschrift"))
    credit = blocks.CharBlock(required=False, label=_("Bildnachweis"))

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "newsroom/blocks/image.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Absatz"))
    subheading = blocks.CharBlock(
        label=_("Zwischenüberschrift"), template="newsroom/blocks/subheading.html"
    )
    quote = QuoteBlock()
    image = ArticleImageBlock()
    embed = EmbedBlock(label=_("Einbettung"), template="newsroom/blocks/embed.html")
