"""Clause templates for generated benchmark contracts (French and English call-centre agreements).

Each contract draws its articles from these templates at random (some omitted, some with weak
wording, deadlines varied), then pads with recitals of ordinary contract prose to reach its size,
so the matcher meets both hits and near-misses as in real documents.
"""

from __future__ import annotations

import random

FR = {
    "title": "CONTRAT DE PRESTATIONS DE CENTRE DE CONTACTS",
    "parties": "Entre {c} SA, ci-après dénommée « le Client », et {p} SAS, ci-après dénommée « le Prestataire ».",
    "clauses": [
        ("Objet", "Le Prestataire assure pour le compte du Client la gestion des appels entrants et sortants, "
                  "des courriels et des conversations en ligne de ses clients, selon le cahier des charges en annexe."),
        ("Instructions", "Le Prestataire ne traite les données à caractère personnel que sur instruction documentée "
                         "du Client, y compris en ce qui concerne les transferts vers un pays tiers."),
        ("Confidentialité", "Le Prestataire veille à ce que les personnes autorisées à traiter les données "
                            "s'engagent à respecter la confidentialité ou soient soumises à une obligation légale "
                            "appropriée de confidentialité."),
        ("Sécurité", "Le Prestataire met en œuvre les mesures techniques et organisationnelles appropriées prévues à "
                     "l'article 32 du RGPD, dont le chiffrement des données au repos et en transit."),
        ("Sous-traitance ultérieure", "Le Prestataire ne recrute pas d'autre sous-traitant sans l'autorisation "
                                      "écrite préalable, spécifique ou générale, du Client."),
        ("Violations de données", "Le Prestataire notifie au Client toute violation de données à caractère "
                                  "personnel dans un délai maximum de {h} heures après en avoir pris connaissance."),
        ("Fin du contrat", "Au terme du contrat, le Prestataire supprime ou restitue toutes les données à caractère "
                           "personnel au Client et en détruit les copies existantes, dans un délai de trente jours."),
        ("Audit", "Le Prestataire met à la disposition du Client toutes les informations nécessaires pour démontrer "
                  "le respect de ses obligations et permet la réalisation d'audits, y compris des inspections."),
        ("Niveaux de service", "Le Prestataire s'engage sur un taux de décroché de {pct} % des appels en moins de "
                               "vingt secondes, mesuré chaque mois, et sur un taux de résolution au premier contact."),
        ("Pénalités", "En cas de non-respect des niveaux de service, le Client applique des pénalités égales à "
                      "2 % du montant mensuel par point d'écart, plafonnées à 10 % de la facture."),
        ("Réversibilité", "À la fin du contrat, le Prestataire assiste le Client et tout nouveau prestataire désigné "
                          "pour assurer la reprise des prestations, selon un plan de réversibilité."),
        ("Responsabilité", "La responsabilité totale du Prestataire est limitée au montant des sommes versées au "
                           "cours des douze derniers mois, sauf faute lourde ou dolosive."),
        ("Droit applicable", "Le présent contrat est soumis au droit français. Tout litige relève du tribunal de "
                             "commerce de Paris."),
    ],
    "prose": [
        "Les parties conviennent de se réunir chaque trimestre en comité de pilotage afin d'examiner les "
        "indicateurs de qualité, les réclamations reçues et les évolutions du périmètre des prestations.",
        "Le Prestataire affecte aux prestations un personnel formé, dont il assure l'encadrement, la formation "
        "continue et le remplacement en cas d'absence, sans surcoût pour le Client.",
        "Toute modification du présent contrat fait l'objet d'un avenant écrit signé par les représentants "
        "habilités des deux parties, qui en précise les conditions financières.",
        "Les factures sont émises mensuellement à terme échu et payables à quarante-cinq jours fin de mois à "
        "compter de leur date d'émission, par virement bancaire.",
    ],
    "heading": "Article {n} – {t}",
}

EN = {
    "title": "CUSTOMER CONTACT CENTRE SERVICES AGREEMENT",
    "parties": 'This Agreement is made between {c} Ltd (the "Customer") and {p} Limited (the "Supplier").',
    "clauses": [
        ("Scope", "The Supplier shall provide inbound and outbound call handling, email and chat services for the "
                  "Customer's end users as described in the Statement of Work."),
        ("Instructions", "The Supplier shall process Personal Data only on the documented instructions of the "
                         "Customer, including with regard to transfers to a third country."),
        ("Confidentiality", "The Supplier shall ensure that persons authorised to process the Personal Data have "
                            "committed themselves to confidentiality or are under a statutory obligation of "
                            "confidentiality."),
        ("Security", "The Supplier shall implement appropriate technical and organisational measures in "
                     "accordance with Article 32 GDPR, including encryption of data at rest and in transit."),
        ("Sub-processors", "The Supplier shall not engage another processor without the prior specific or general "
                           "written authorisation of the Customer."),
        ("Personal Data Breach", "The Supplier shall notify the Customer of any Personal Data Breach without undue "
                                 "delay and in any event within {h} hours of becoming aware of it."),
        ("Deletion", "On termination, the Supplier shall delete or return all Personal Data to the Customer and "
                     "delete existing copies within thirty (30) days."),
        ("Audits", "The Supplier shall make available to the Customer all information necessary to demonstrate "
                   "compliance and shall allow for and contribute to audits, including inspections."),
        ("Service Levels", "The Supplier shall answer {pct}% of calls within twenty (20) seconds, measured monthly, "
                           "and report first contact resolution each month."),
        ("Service Credits", "If a Service Level is missed, the Supplier shall grant service credits of 2% of the "
                            "monthly charges per percentage point, capped at 10% of the invoice."),
        ("Exit", "On expiry or termination, the Supplier shall provide exit assistance to the Customer and any "
                 "replacement supplier in accordance with the Exit Plan."),
        ("Liability", "The Supplier's total liability shall not exceed the charges paid in the twelve (12) months "
                      "preceding the claim, save for gross negligence or wilful misconduct."),
        ("Governing Law", "This Agreement is governed by the laws of England and Wales and the courts of London "
                          "have exclusive jurisdiction."),
    ],
    "prose": [
        "The parties shall meet quarterly in a steering committee to review the quality indicators, complaints "
        "received and any change in the scope of the Services.",
        "The Supplier shall assign trained staff to the Services, and shall supervise, train and replace them "
        "where necessary at no additional cost to the Customer.",
        "Any amendment to this Agreement shall be made in writing and signed by authorised representatives of both "
        "parties, stating its financial terms.",
        "Invoices are issued monthly in arrears and are payable within forty-five (45) days of the invoice date by "
        "bank transfer.",
    ],
    "heading": "{n}. {t}",
}

WEAK = {
    "fr": " Le Prestataire s'efforce, dans la mesure du possible, de respecter cette obligation.",
    "en": " The Supplier shall use reasonable endeavours to comply with this obligation where practicable.",
}


def contract_paragraphs(lang: str, count: int, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(kind, text)]) with about `count` paragraphs: clauses first, then padded articles."""
    t = FR if lang == "fr" else EN
    out: list[tuple[str, str]] = [("paragraph", t["parties"].format(c=rng.choice(["ALPHA", "BETA", "OMEGA"]),
                                                                   p=rng.choice(["CALLPRO", "VOXA", "TELIS"])))]
    n = 0
    for title, body in t["clauses"]:
        if rng.random() < 0.15:
            continue  # a missing clause
        n += 1
        text = body.format(h=rng.choice([24, 48, 72, 120]), pct=rng.choice([80, 85, 90]))
        if rng.random() < 0.2:
            text += WEAK[lang]
        out += [("heading", t["heading"].format(n=n, t=title)), ("paragraph", text)]
    while len(out) < count:
        n += 1
        out.append(("heading", t["heading"].format(n=n, t="Dispositions diverses" if lang == "fr" else "Miscellaneous")))
        for _ in range(rng.randint(2, 4)):
            out.append(("paragraph", rng.choice(t["prose"])))
    return t["title"], out
