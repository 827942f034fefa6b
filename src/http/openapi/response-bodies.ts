import type { JsonSchema } from './responses';

/** A product's picture (src/catalog/products.ts ProductImageView). */
const productImage: JsonSchema = {
  "type": "object",
  "required": ["id","url","thumbUrl","width","height"],
  "properties": {
    "id": {"type":"string","format":"uuid"},
    "url": {"type":"string"},
    "thumbUrl": {"type":"string"},
    "width": {"type":"number"},
    "height": {"type":"number"}
  }
};

/** A shop's trust figures (src/catalog/trust.ts MerchantTrust): the shop page, every product's merchant, the admin's shop. */
const merchantTrustProperties = {
  "creditScore": {"type":"number"},
  "refundRate": {"type":["number","null"]},
  "demoted": {"type":"boolean"},
  "rating": {"type":["number","null"]},
  "ratingCount": {"type":"integer"},
  "verified": {"type":"boolean"}
};

const merchantTrust: JsonSchema = {"type":"object","required":Object.keys(merchantTrustProperties),"properties":merchantTrustProperties};

/** The merchant beside a product: its shop and the shop's trust figures. */
const productMerchant: JsonSchema = {
  "type": "object",
  "required": ["shopId","name",...Object.keys(merchantTrustProperties)],
  "properties": {"shopId":{"type":["string","null"],"format":"uuid"},"name":{"type":"string"},...merchantTrustProperties}
};

/** How a shop's credit score is made (src/trust/credit.ts), on the shop page and the admin's shop page. */
const shopCredit: JsonSchema = {
  "type": "object",
  "required": ["windowDays","components","facts"],
  "properties": {
    "windowDays": {"type":"integer"},
    "components": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["id","value","weight","rule","score","points"],
        "properties": {
          "id": {"type":"string"},
          "value": {"type":["number","null"]},
          "weight": {"type":"number"},
          "rule": {"type":"string"},
          "score": {"type":"number"},
          "points": {"type":"number"}
        }
      }
    },
    "facts": {
      "type": "object",
      "required": ["paidOrders","merchantFaultRefundedOrders","casesLost","medianResponseMinutes","rating","ratingCount","offPlatformAttempts"],
      "properties": {
        "paidOrders": {"type":"number"},
        "merchantFaultRefundedOrders": {"type":"number"},
        "casesLost": {"type":"number"},
        "medianResponseMinutes": {"type":["integer","null"]},
        "rating": {"type":["number","null"]},
        "ratingCount": {"type":"integer"},
        "offPlatformAttempts": {"type":"integer"}
      }
    }
  }
};

/**
 * The product view (src/catalog/products.ts ProductView): the catalogue, a shop's products, the
 * product page, and what creating or editing one answers.
 */
const productView: JsonSchema = {
  "type": "object",
  "required": [
    "id",
    "shopId",
    "title",
    "description",
    "type",
    "price",
    "status",
    "stockPolicy",
    "stock",
    "afterSalesWindowMinutes",
    "promisedDeliveryMinutes",
    "noReasonRefund",
    "refundPolicy",
    "refundPolicyShort",
    "keyChecker",
    "listed",
    "categoryId",
    "salesCount",
    "images",
    "merchant",
    "createdAt"
  ],
  "properties": {
    "id": {"type":"string","format":"uuid"},
    "shopId": {"type":["string","null"],"format":"uuid"},
    "title": {"type":"string"},
    "description": {"type":"string"},
    "type": {"type":"string"},
    "price": {"type":"integer"},
    "status": {"type":"string"},
    "stockPolicy": {"type":"string"},
    "stock": {"type":["integer","null"]},
    "afterSalesWindowMinutes": {},
    "promisedDeliveryMinutes": {"type":["integer","null"]},
    "noReasonRefund": {
      "type": "object",
      "required": ["allowed","feeRate"],
      "properties": {"allowed":{"type":"boolean"},"feeRate":{"type":"number"}}
    },
    "refundPolicy": {"type":"string"},
    "refundPolicyShort": {"type":"string"},
    "keyChecker": {},
    "listed": {"type":"boolean"},
    "categoryId": {"type":["string","null"],"format":"uuid"},
    "salesCount": {"type":"integer"},
    "images": {"type":"array","items":productImage},
    "merchant": productMerchant,
    "createdAt": {"type":"string","format":"date-time"}
  }
};

/**
 * The order as a refund case records it (its system evidence and a new case's prefilled facts):
 * the case page, its actions, the case preview and the evidence package.
 */
const caseOrder: JsonSchema = {
  "type": "object",
  "required": ["orderNo","title","productType","quantity","amount","paid","refunded","channel","createdAt","paidAt","deliveredAt","status"],
  "properties": {
    "orderNo": {"type":"string"},
    "title": {"type":"string"},
    "productType": {"type":"string"},
    "quantity": {"type":"integer"},
    "amount": {"type":"integer"},
    "paid": {"type":"number"},
    "refunded": {"type":"integer"},
    "channel": {"type":"string"},
    "createdAt": {"type":"string","format":"date-time"},
    "paidAt": {"type":["string","null"],"format":"date-time"},
    "deliveredAt": {"type":["string","null"],"format":"date-time"},
    "status": {"type":"string"}
  }
};

/** A case's record of the platform delivering the order, beside caseOrder. */
const caseDeliveryLog: JsonSchema = {
  "type": "array",
  "items": {
    "type": "object",
    "required": ["kind","at","detail"],
    "properties": {
      "kind": {"type":"string"},
      "at": {"type":"string","format":"date-time"},
      "detail": {"type":"object","properties":{"keyCount":{"type":"integer"}}}
    }
  }
};

/** A case's record of the buyer viewing keys, beside caseOrder. */
const caseRevealLog: JsonSchema = {
  "type": "array",
  "items": {
    "type": "object",
    "required": ["itemId","at","ip","userAgent","consent"],
    "properties": {
      "itemId": {"type":["string","null"],"format":"uuid"},
      "at": {"type":"string","format":"date-time"},
      "ip": {"type":"string"},
      "userAgent": {"type":"string"},
      "consent": {"type":"string"}
    }
  }
};

/**
 * An event of an order's hash-chained timeline (src/timeline): the order's timeline, the case view
 * (its case's events) and the evidence package. `data` depends on the event's type: the union of
 * the fields each was seen with.
 */
const timelineEvent: JsonSchema = {
  "type": "object",
  "required": ["seq","type","at","actor","data","hash","prevHash"],
  "properties": {
    "seq": {"type":"number"},
    "type": {"type":"string"},
    "at": {"type":"string","format":"date-time"},
    "actor": {"type":"string"},
    "data": {
      "type": "object",
      "properties": {
        "amount": {"type":"integer"},
        "channel": {"type":"string"},
        "orderNo": {"type":"string"},
        "quantity": {"type":"integer"},
        "expiresAt": {"type":["string","null"],"format":"date-time"},
        "productId": {"type":["string","null"],"format":"uuid"},
        "ruleVersion": {"type":"integer"},
        "late": {"type":"boolean"},
        "paymentId": {"type":["string","null"],"format":"uuid"},
        "kind": {"type":"string"},
        "keyCount": {"type":"integer"},
        "autoConfirmAt": {"type":["string","null"],"format":"date-time"},
        "ip": {"type":"string"},
        "consent": {"type":"string"},
        "itemIds": {"type":"array","items":{"type":["string","null"],"format":"uuid"}},
        "userAgent": {"type":"string"},
        "notes": {"type":"array","items":{"type":"string"}},
        "route": {"type":"string"},
        "caseId": {"type":["string","null"],"format":"uuid"},
        "reason": {"type":["string","null"]},
        "ruleId": {"type":["string","null"]},
        "exchange": {},
        "resolution": {"type":"string"},
        "expectedOutcome": {"type":"string"},
        "fee": {"type":"integer"},
        "trigger": {"type":"string"},
        "feeRateBp": {"type":"number"},
        "fundShare": {"type":"number"},
        "merchantNet": {"type":"number"},
        "recoveredForFund": {"type":"number"},
        "fault": {"type":"string"},
        "status": {"type":"string"},
        "funding": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["amount","source"],
            "properties": {"amount":{"type":"integer"},"source":{"type":"string"}}
          }
        },
        "refundId": {"type":["string","null"],"format":"uuid"},
        "expectedBy": {"type":["string","null"],"format":"date-time"},
        "appeal": {"type":"boolean"},
        "outcome": {"type":"string"},
        "sender": {"type":"string"},
        "matches": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["kind","text"],
            "properties": {"kind":{"type":"string"},"text":{"type":"string"}}
          }
        },
        "messageId": {"type":["string","null"],"format":"uuid"},
        "warningId": {"type":["string","null"],"format":"uuid"},
        "readAt": {"type":["string","null"],"format":"date-time"},
        "answerBy": {"type":["string","null"],"format":"date-time"},
        "cause": {"type":"string"},
        "action": {"type":"string"},
        "message": {"type":"string"},
        "evidenceIds": {"type":"array","items":{}},
        "note": {"type":"string"},
        "party": {"type":"string"},
        "evidenceBy": {"type":["string","null"],"format":"date-time"},
        "consequence": {"type":"string"},
        "short": {"type":"number"},
        "mistakeFee": {"type":"integer"},
        "mistakeRuleId": {"type":["string","null"]},
        "mistakeFeeWaived": {"type":"boolean"},
        "unused": {"type":"boolean"},
        "refundsNoLongerMerchantFault": {"type":"number"}
      }
    },
    "hash": {"type":"string"},
    "prevHash": {"type":"string"}
  }
};

/** A user as the API shows one (src/accounts/users.ts UserView): signing in or up, and what admins see. */
const userProperties = {
  "id": {"type":"string","format":"uuid"},
  "email": {"type":"string"},
  "role": {"type":"string"},
  "displayName": {"type":"string"},
  "riskLevel": {"type":"string"},
  "createdAt": {"type":"string","format":"date-time"}
};

const userView: JsonSchema = {"type":"object","required":Object.keys(userProperties),"properties":userProperties};

/** A shop's identity submission (电子商务法 第27条), masked: the shop's identity page, submitting one, an admin's decision. */
const shopIdentity: JsonSchema = {
  "type": "object",
  "required": ["id","shopId","kind","name","numberMasked","phoneMasked","status","reason","createdAt","decidedAt"],
  "properties": {
    "id": {"type":"string","format":"uuid"},
    "shopId": {"type":["string","null"],"format":"uuid"},
    "kind": {"type":"string"},
    "name": {"type":"string"},
    "numberMasked": {"type":"string"},
    "phoneMasked": {"type":"string"},
    "status": {"type":"string"},
    "reason": {},
    "createdAt": {"type":"string","format":"date-time"},
    "decidedAt": {"type":["string","null"],"format":"date-time"}
  }
};

/** A merchant's own shop: opening one and the merchant's list of theirs. */
const shopView: JsonSchema = {
  "type": "object",
  "required": ["id","name","status","ownerId","createdAt"],
  "properties": {
    "id": {"type":"string","format":"uuid"},
    "name": {"type":"string"},
    "status": {"type":"string"},
    "ownerId": {"type":["string","null"],"format":"uuid"},
    "createdAt": {"type":"string","format":"date-time"}
  }
};

/**
 * The order view (src/orders/views.ts), answered by the order page, its actions, checkout and the
 * guest lookup: one schema, the union of what each was seen to answer.
 */
export const orderView: JsonSchema = {
  "type": "object",
  "properties": {
    "id": {"type":"string","format":"uuid"},
    "orderNo": {"type":"string"},
    "status": {"type":"string"},
    "productId": {"type":["string","null"],"format":"uuid"},
    "productType": {"type":"string"},
    "title": {"type":"string"},
    "shop": {"type":"object","properties":{"id":{"type":"string","format":"uuid"},"name":{"type":"string"}}},
    "quantity": {"type":"integer"},
    "unitPrice": {"type":"integer"},
    "amount": {"type":"integer"},
    "originalAmount": {"type":"integer"},
    "discount": {"type":"integer"},
    "couponCode": {},
    "paid": {"type":"number"},
    "refunded": {"type":"integer"},
    "settled": {"type":"number"},
    "fee": {"type":"integer"},
    "escrow": {"type":"number"},
    "channel": {"type":"string"},
    "topupAccount": {},
    "guest": {"type":"boolean"},
    "createdAt": {"type":"string","format":"date-time"},
    "expiresAt": {"type":["string","null"],"format":"date-time"},
    "paidAt": {},
    "deliveredAt": {},
    "completedAt": {},
    "cancelledAt": {},
    "deliverBy": {},
    "paymentId": {},
    "payUrl": {},
    "autoConfirmAt": {},
    "items": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "id": {"type":"string","format":"uuid"},
          "seq": {"type":"number"},
          "status": {"type":"string"},
          "amount": {"type":"integer"},
          "cardKeyId": {},
          "revealed": {"type":"boolean"},
          "revealedAt": {}
        }
      }
    },
    "deliveries": {"type":"array","items":{}},
    "refunds": {"type":"array","items":{}},
    "review": {},
    "cancelledBy": {},
    "latePenalty": {"type":"number"},
    "exchangedFromOrderId": {},
    "exchangedToOrderId": {},
    "topup": {}
  }
};

/**
 * The refund case view (src/aftersales/cases.ts caseView), which the case page and every case action
 * answer with: one schema, the union of what each route was seen to answer (fields only some views
 * carry — the staff's claim and actions, a new case's checklist — are optional).
 */
export const refundCaseView: JsonSchema = {
  "type": "object",
  "properties": {
    "id": {"type":"string","format":"uuid"},
    "orderId": {"type":["string","null"],"format":"uuid"},
    "orderNo": {"type":"string"},
    "title": {"type":"string"},
    "productType": {"type":"string"},
    "status": {"type":"string"},
    "nextActor": {"type":"string"},
    "reason": {"type":["string","null"]},
    "description": {"type":"string"},
    "expectedOutcome": {"type":"string"},
    "amount": {"type":"integer"},
    "itemIds": {"type":"array","items":{"type":["string","null"],"format":"uuid"}},
    "refundTo": {"type":"string"},
    "resolution": {"type":"string"},
    "exchange": {},
    "route": {"type":"string"},
    "ruleVersion": {"type":"integer"},
    "warnings": {
      "type": "array",
      "items": {"type":"object","properties":{"code":{"type":"string"},"message":{"type":"string"}}}
    },
    "deadlines": {
      "type": "object",
      "properties": {
        "merchantBy": {"type":["string","null"],"format":"date-time"},
        "buyerBy": {},
        "evidenceBy": {},
        "decisionBy": {},
        "appealBy": {}
      }
    },
    "merchantResponse": {},
    "evidenceRequest": {},
    "decision": {},
    "appeal": {},
    "refunds": {"type":"array","items":{}},
    "evidence": {"type":"array","items":{}},
    "systemEvidence": {
      "type": "object",
      "properties": {
        "notes": {"type":"array","items":{"type":"string"}},
        "order": caseOrder,
        "refunds": {"type":"array","items":{}},
        "keyCheck": {"type":"array","items":{}},
        "supplier": {},
        "revealLog": caseRevealLog,
        "deliveryLog": caseDeliveryLog,
        "chat": {
          "type": "object",
          "properties": {"messages":{"type":"array","items":{}},"readUnanswered":{"type":"array","items":{}}}
        }
      }
    },
    "events": {"type":"array","items":timelineEvent},
    "order": {
      "type": "object",
      "properties": {
        "status": {"type":"string"},
        "amount": {"type":"integer"},
        "paid": {"type":"number"},
        "refunded": {"type":"integer"}
      }
    },
    "externalChannels": {"type":"array","items":{}},
    "viewerRole": {"type":"string"},
    "createdAt": {"type":"string","format":"date-time"},
    "updatedAt": {"type":["string","null"],"format":"date-time"},
    "keyFacts": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "kind": {"type":"string"},
          "text": {"type":"string"},
          "source": {"type":"string"},
          "messageId": {"type":["string","null"],"format":"uuid"},
          "sender": {"type":"string"}
        }
      }
    },
    "claim": {},
    "actions": {
      "type": "object",
      "properties": {
        "decide": {"type":"boolean"},
        "requestEvidence": {"type":"boolean"},
        "claim": {"type":"boolean"},
        "release": {"type":"boolean"},
        "blockedBy": {}
      }
    },
    "firstDecider": {"type":"boolean"},
    "buyerRisk": {
      "type": "object",
      "properties": {
        "level": {"type":"string"},
        "reason": {},
        "setBy": {"type":["string","null"]},
        "setAt": {"type":["string","null"],"format":"date-time"}
      }
    },
    "checklist": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["kind","label","required","byPlatform","provided"],
        "properties": {
          "kind": {"type":"string"},
          "label": {"type":"string"},
          "required": {"type":"boolean"},
          "byPlatform": {"type":"boolean"},
          "provided": {"type":"boolean"}
        }
      }
    },
    "prefilled": {
      "type": "object",
      "required": ["order","deliveryLog","revealLog","supplier","refunds","keyCheck"],
      "properties": {
        "order": caseOrder,
        "deliveryLog": caseDeliveryLog,
        "revealLog": caseRevealLog,
        "supplier": {},
        "refunds": {"type":"array","items":{}},
        "keyCheck": {"type":"array","items":{}}
      }
    }
  }
};

/**
 * Success answer bodies by "METHOD /path" and status, generated by scripts/openapi-infer.ts from
 * the answers the integration tests recorded, then reviewed. Every test run checks every answer
 * against these (test/support/response-check.ts): when an answer changes shape, a test says which.
 * Regenerate or edit by hand; routes whose file declares its own response schema are not here.
 * The order view and the case view are declared once (orderView, refundCaseView) for every route
 * that answers with them, and so are the smaller shapes answered in more than one place (the
 * product view, a shop's trust and credit, a case's order and its logs, a timeline event, a user,
 * a shop and its identity, above); a regeneration writes them per route again, so merge those back into them.
 */
export const responseBodies: Record<string, Record<number, JsonSchema>> = {
  "DELETE /api/shops/:id/api-keys/:keyId": {"200":{"type":"object","properties":{"id":{"type":"string","format":"uuid"},"revoked":{"type":"boolean"}}}},
  "DELETE /api/shops/:id/webhooks/:webhookId": {
    "200": {
      "type": "object",
      "required": ["id","deleted"],
      "properties": {"id":{"type":"string","format":"uuid"},"deleted":{"type":"boolean"}}
    }
  },
  "GET /api/admin/identities": {
    "200": {
      "type": "object",
      "properties": {
        "total": {"type":"integer"},
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "shopId": {"type":["string","null"],"format":"uuid"},
              "kind": {"type":"string"},
              "name": {"type":"string"},
              "numberMasked": {"type":"string"},
              "phoneMasked": {"type":"string"},
              "status": {"type":"string"},
              "reason": {},
              "createdAt": {"type":"string","format":"date-time"},
              "decidedAt": {},
              "shopName": {"type":"string"},
              "number": {"type":"string"},
              "contactPhone": {"type":"string"}
            }
          }
        }
      }
    }
  },
  "GET /api/admin/ledger/check": {
    "200": {
      "type": "object",
      "properties": {
        "balanced": {"type":"boolean"},
        "violations": {"type":"array","items":{}},
        "checkedAt": {"type":["string","null"],"format":"date-time"}
      }
    }
  },
  "GET /api/admin/reports/overview": {
    "200": {
      "type": "object",
      "properties": {
        "days": {"type":"integer"},
        "from": {"type":"string"},
        "to": {"type":"string"},
        "timeZone": {"type":"string"},
        "refundRateBasis": {"type":"string"},
        "totals": {
          "type": "object",
          "properties": {
            "gmv": {"type":"number"},
            "orders": {"type":"number"},
            "refunded": {"type":"integer"},
            "refundRate": {"type":["number","null"]},
            "merchantFaultRefunded": {"type":"integer"},
            "faultRefundRate": {"type":["number","null"]},
            "casesOpened": {"type":"number"},
            "casesDecided": {"type":"number"},
            "slaMetPct": {}
          }
        },
        "fundBalance": {"type":"integer"},
        "casesByStatus": {"type":"object","properties":{"awaiting_merchant":{"type":"number"}}},
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": [
              "day",
              "gmv",
              "orders",
              "refunded",
              "refundRate",
              "merchantFaultRefunded",
              "faultRefundRate",
              "casesOpened",
              "casesDecided",
              "casesWithDeadline",
              "casesDecidedInTime",
              "slaMetPct",
              "fundBalance"
            ],
            "properties": {
              "day": {"type":"string"},
              "gmv": {"type":"number"},
              "orders": {"type":"number"},
              "refunded": {"type":"integer"},
              "refundRate": {"type":["number","null"]},
              "merchantFaultRefunded": {"type":"integer"},
              "faultRefundRate": {"type":["number","null"]},
              "casesOpened": {"type":"number"},
              "casesDecided": {"type":"number"},
              "casesWithDeadline": {"type":"number"},
              "casesDecidedInTime": {"type":"number"},
              "slaMetPct": {},
              "fundBalance": {"type":"integer"}
            }
          }
        }
      }
    }
  },
  "GET /api/admin/rules": {
    "200": {
      "type": "object",
      "properties": {
        "version": {"type":"integer"},
        "values": {"type":"object","additionalProperties":{"type":["number","boolean"]}}
      }
    }
  },
  "GET /api/admin/rules/catalog": {
    "200": {
      "type": "object",
      "properties": {
        "version": {"type":"integer"},
        "rules": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","title","titleZh","titleEn","unit","value","default"],
            "properties": {
              "id": {"type":"string"},
              "title": {"type":"string"},
              "titleZh": {"type":"string"},
              "titleEn": {"type":"string"},
              "unit": {"type":"string"},
              "value": {"type":["number","boolean"]},
              "default": {"type":["number","boolean"]},
              "min": {"type":"number"},
              "max": {"type":"number"}
            }
          }
        },
        "versions": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "version": {"type":"integer"},
              "note": {"type":"string"},
              "publishedBy": {},
              "publishedAt": {"type":["string","null"],"format":"date-time"}
            }
          }
        }
      }
    }
  },
  "GET /api/admin/rules/versions/:version": {
    "200": {
      "type": "object",
      "properties": {
        "version": {"type":"integer"},
        "values": {"type":"object","additionalProperties":{"type":["boolean","number"]}},
        "note": {"type":"string"},
        "publishedAt": {"type":["string","null"],"format":"date-time"}
      }
    }
  },
  "GET /api/admin/shops/:id": {
    "200": {
      "type": "object",
      "properties": {
        "shop": {
          "type": "object",
          "properties": {
            "id": {"type":"string","format":"uuid"},
            "name": {"type":"string"},
            "status": {"type":"string"},
            "createdAt": {"type":"string","format":"date-time"},
            "ownerId": {"type":["string","null"],"format":"uuid"},
            "ownerEmail": {"type":"string"},
            "ownerName": {"type":"string"},
            "ownerStatus": {"type":"string"},
            "identityStatus": {"type":"string"},
            "depositBalance": {"type":"integer"},
            "availableBalance": {"type":"integer"},
            "receivable": {"type":"number"},
            "creditScore": {"type":"number"},
            "refundRate": {"type":["number","null"]},
            "demoted": {"type":"boolean"},
            "rating": {"type":["number","null"]},
            "ratingCount": {"type":"integer"},
            "verified": {"type":"boolean"},
            "openCases": {"type":"number"},
            "suspensionReason": {}
          }
        },
        "balance": {
          "type": "object",
          "properties": {
            "available": {"type":"number"},
            "deposit": {"type":"number"},
            "receivable": {"type":"number"},
            "escrow": {"type":"number"},
            "depositMinimum": {"type":"number"}
          }
        },
        "identity": {"type":"object","properties":{"verified":{"type":"boolean"},"current":{}}},
        "credit": shopCredit,
        "products": {"type":"object","properties":{"total":{"type":"integer"},"onSale":{"type":"number"}}},
        "recentCases": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "orderId": {"type":["string","null"],"format":"uuid"},
              "orderNo": {"type":"string"},
              "status": {"type":"string"},
              "reason": {"type":["string","null"]},
              "amount": {"type":"integer"},
              "createdAt": {"type":"string","format":"date-time"}
            }
          }
        },
        "depositMovements": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "id": {"type":"number"},
              "entryId": {"type":["string","null"],"format":"uuid"},
              "kind": {"type":"string"},
              "amount": {"type":"integer"},
              "balanceAfter": {"type":"number"},
              "orderId": {},
              "orderNo": {},
              "at": {"type":"string","format":"date-time"}
            }
          }
        },
        "suspensions": {"type":"array","items":{}}
      }
    }
  },
  "GET /api/admin/users": {
    "200": {
      "type": "object",
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": [...Object.keys(userProperties),"status","statusReason","risk","riskReason"],
            "properties": {
              ...userProperties,
              "status": {"type":"string"},
              "statusReason": {},
              "risk": {"type":"string"},
              "riskReason": {}
            }
          }
        },
        "total": {"type":"integer"},
        "limit": {"type":"integer"},
        "offset": {"type":"integer"}
      }
    }
  },
  "GET /api/health": {
    "200": {
      "type": "object",
      "required": ["ok","engine","sandbox","now"],
      "properties": {
        "ok": {"type":"boolean"},
        "engine": {"type":"string"},
        "sandbox": {"type":"boolean"},
        "now": {"type":"string","format":"date-time"}
      }
    }
  },
  "GET /api/me": {
    "200": {
      "type": "object",
      "required": ["user","wallet","csrfToken"],
      "properties": {
        "user": {
          "type": "object",
          "required": [...Object.keys(userProperties),"phone"],
          "properties": {...userProperties,"phone":{}}
        },
        "wallet": {"type":"object","required":["balance"],"properties":{"balance":{"type":"integer"}}},
        "csrfToken": {"type":"string"}
      }
    }
  },
  "GET /api/notifications": {
    "200": {
      "type": "object",
      "required": ["unread","items"],
      "properties": {
        "unread": {"type":"number"},
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","kind","params","title","body","orderId","caseId","read","createdAt"],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "kind": {"type":"string"},
              "params": {"type":"object","description":"What the notice is about; which fields depends on `kind` (src/notify/kinds.ts)"},
              "title": {"type":"string"},
              "body": {"type":"string"},
              "orderId": {"type":["string","null"],"format":"uuid"},
              "caseId": {"type":["string","null"],"format":"uuid"},
              "read": {"type":"boolean"},
              "createdAt": {"type":"string","format":"date-time"}
            }
          }
        }
      }
    }
  },
  "GET /api/orders": {
    "200": {
      "type": "object",
      "required": ["total","items"],
      "properties": {
        "total": {"type":"integer"},
        "counts": {
          "type": "object",
          "properties": {
            "all": {"type":"number"},
            "pending_payment": {"type":"number"},
            "to_deliver": {"type":"number"},
            "delivered": {"type":"number"},
            "aftersales": {"type":"integer"},
            "completed": {"type":"number"}
          }
        },
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": [
              "id",
              "orderNo",
              "status",
              "title",
              "productType",
              "quantity",
              "amount",
              "paid",
              "refunded",
              "createdAt",
              "shopId"
            ],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "orderNo": {"type":"string"},
              "status": {"type":"string"},
              "title": {"type":"string"},
              "productType": {"type":"string"},
              "quantity": {"type":"integer"},
              "amount": {"type":"integer"},
              "paid": {"type":"number"},
              "refunded": {"type":"integer"},
              "createdAt": {"type":"string","format":"date-time"},
              "shopId": {"type":["string","null"],"format":"uuid"}
            }
          }
        }
      }
    }
  },
  "GET /api/orders/:id": {"200":orderView},
  "GET /api/orders/:id/evidence-package": {
    "200": {
      "type": "object",
      "required": ["orderNo","generatedAt","order","timeline","cases","messages","evidence","packageHash"],
      "properties": {
        "orderNo": {"type":"string"},
        "generatedAt": {"type":["string","null"],"format":"date-time"},
        "order": orderView,
        "timeline": {
          "type": "object",
          "required": ["events","verified","headHash"],
          "properties": {
            "events": {"type":"array","items":timelineEvent},
            "verified": {"type":"boolean"},
            "headHash": {"type":"string"}
          }
        },
        "cases": {
          "type": "array",
          "items": {
            "type": "object",
            "required": [
              "id",
              "status",
              "reason",
              "description",
              "expectedOutcome",
              "amount",
              "itemIds",
              "createdAt",
              "deadlines",
              "overdueAt",
              "externalNoticeAt",
              "merchantResponse",
              "decision",
              "appeal",
              "systemEvidence",
              "evidenceIds"
            ],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "status": {"type":"string"},
              "reason": {"type":["string","null"]},
              "description": {"type":"string"},
              "expectedOutcome": {"type":"string"},
              "amount": {"type":"integer"},
              "itemIds": {"type":"array","items":{"type":["string","null"],"format":"uuid"}},
              "createdAt": {"type":"string","format":"date-time"},
              "deadlines": {
                "type": "object",
                "required": ["merchantBy","buyerBy","evidenceBy","decisionBy","appealBy"],
                "properties": {
                  "merchantBy": {"type":["string","null"],"format":"date-time"},
                  "buyerBy": {},
                  "evidenceBy": {},
                  "decisionBy": {},
                  "appealBy": {}
                }
              },
              "overdueAt": {},
              "externalNoticeAt": {},
              "merchantResponse": {},
              "decision": {},
              "appeal": {},
              "systemEvidence": {
                "type": "object",
                "required": ["notes","order","refunds","keyCheck","supplier","revealLog","deliveryLog"],
                "properties": {
                  "notes": {"type":"array","items":{"type":"string"}},
                  "order": caseOrder,
                  "refunds": {"type":"array","items":{}},
                  "keyCheck": {"type":"array","items":{}},
                  "supplier": {},
                  "revealLog": caseRevealLog,
                  "deliveryLog": caseDeliveryLog
                }
              },
              "evidenceIds": {"type":"array","items":{"type":["string","null"],"format":"uuid"}}
            }
          }
        },
        "messages": {"type":"array","items":{}},
        "evidence": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","sha256","mime","size"],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "sha256": {"type":"string"},
              "mime": {"type":"string"},
              "size": {"type":"integer"}
            }
          }
        },
        "packageHash": {"type":"string"}
      }
    }
  },
  "GET /api/orders/:id/messages": {
    "200": {
      "type": "object",
      "required": ["items","hasMore"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","sender","body","evidenceIds","createdAt","readAt","flags"],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "sender": {"type":"string"},
              "body": {"type":"string"},
              "evidenceIds": {"type":"array","items":{}},
              "createdAt": {"type":"string","format":"date-time"},
              "readAt": {"type":["string","null"],"format":"date-time"},
              "flags": {"type":"array","items":{"type":"string"}}
            }
          }
        },
        "hasMore": {"type":"boolean"}
      }
    }
  },
  "GET /api/orders/:id/timeline": {
    "200": {
      "type": "object",
      "required": ["events","verified"],
      "properties": {"events":{"type":"array","items":timelineEvent},"verified":{"type":"boolean"}}
    }
  },
  "GET /api/payments/:id": {
    "200": {
      "type": "object",
      "required": ["id","purpose","status","amount","channel","payUrl","payAction","orderId","shopId","createdAt","title"],
      "properties": {
        "id": {"type":"string","format":"uuid"},
        "purpose": {"type":"string"},
        "status": {"type":"string"},
        "amount": {"type":"integer"},
        "channel": {"type":"string"},
        "payUrl": {"type":"string"},
        "payAction": {},
        "orderId": {"type":["string","null"],"format":"uuid"},
        "shopId": {"type":["string","null"],"format":"uuid"},
        "createdAt": {"type":"string","format":"date-time"},
        "title": {"type":"string"}
      }
    }
  },
  "GET /api/payments/channels": {
    "200": {
      "type": "object",
      "required": ["sandbox","channels"],
      "properties": {"sandbox":{"type":"boolean"},"channels":{"type":"array","items":{"type":"string"}}}
    }
  },
  "GET /api/products": {
    "200": {
      "type": "object",
      "required": ["items","total"],
      "properties": {"items":{"type":"array","items":productView},"total":{"type":"integer"}}
    }
  },
  "GET /api/products/:id": {"200":productView},
  "GET /api/ready": {
    "200": {
      "type": "object",
      "required": ["ready","engine","migrations"],
      "properties": {"ready":{"type":"boolean"},"engine":{"type":"string"},"migrations":{"type":"number"}}
    }
  },
  "GET /api/refund-cases": {
    "200": {
      "type": "object",
      "required": ["items","total","limit","offset"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": [
              "id",
              "orderId",
              "orderNo",
              "title",
              "status",
              "nextActor",
              "reason",
              "amount",
              "merchantBy",
              "buyerBy",
              "decisionBy",
              "overdue",
              "overdueAt",
              "createdAt"
            ],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "orderId": {"type":["string","null"],"format":"uuid"},
              "orderNo": {"type":"string"},
              "title": {"type":"string"},
              "status": {"type":"string"},
              "nextActor": {"type":"string"},
              "reason": {"type":["string","null"]},
              "amount": {"type":"integer"},
              "merchantBy": {"type":["string","null"],"format":"date-time"},
              "buyerBy": {},
              "decisionBy": {},
              "overdue": {"type":"boolean"},
              "overdueAt": {},
              "createdAt": {"type":"string","format":"date-time"}
            }
          }
        },
        "total": {"type":"integer"},
        "limit": {"type":"integer"},
        "offset": {"type":"integer"}
      }
    }
  },
  "GET /api/refund-cases/:id": {"200":refundCaseView},
  "GET /api/refund-cases/:id/party-history": {
    "200": {
      "type": "object",
      "properties": {
        "buyer": {
          "type": "object",
          "properties": {
            "name": {"type":"string"},
            "since": {"type":"string","format":"date-time"},
            "accountStatus": {"type":"string"},
            "paidOrders": {"type":"number"},
            "casesOpened": {"type":"number"},
            "refundsWon": {"type":"number"},
            "casesRejected": {"type":"number"},
            "risk": {
              "type": "object",
              "properties": {
                "level": {"type":"string"},
                "reason": {"type":["string","null"]},
                "setBy": {"type":["string","null"]},
                "setAt": {"type":["string","null"],"format":"date-time"}
              }
            },
            "recentCases": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["id","orderNo","title","status","reason","createdAt"],
                "properties": {
                  "id": {"type":"string","format":"uuid"},
                  "orderNo": {"type":"string"},
                  "title": {"type":"string"},
                  "status": {"type":"string"},
                  "reason": {"type":["string","null"]},
                  "createdAt": {"type":"string","format":"date-time"}
                }
              }
            }
          }
        },
        "merchant": {
          "type": "object",
          "properties": {
            "shopId": {"type":["string","null"],"format":"uuid"},
            "name": {"type":"string"},
            "status": {"type":"string"},
            "since": {"type":"string","format":"date-time"},
            "cases": {"type":"number"},
            "casesRefunded": {"type":"integer"},
            "recentCases": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["id","orderNo","title","status","reason","createdAt"],
                "properties": {
                  "id": {"type":"string","format":"uuid"},
                  "orderNo": {"type":"string"},
                  "title": {"type":"string"},
                  "status": {"type":"string"},
                  "reason": {"type":["string","null"]},
                  "createdAt": {"type":"string","format":"date-time"}
                }
              }
            },
            "creditScore": {"type":"number"},
            "faultRefundRate": {"type":["number","null"]},
            "demoted": {"type":"boolean"},
            "rating": {},
            "ratingCount": {"type":"integer"},
            "verified": {"type":"boolean"},
            "paidOrders30d": {"type":"number"},
            "casesLost30d": {"type":"number"},
            "windowDays": {"type":"integer"}
          }
        }
      }
    }
  },
  "GET /api/rules": {
    "200": {
      "type": "object",
      "properties": {
        "version": {"type":"integer"},
        "rules": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","title","unit","value"],
            "properties": {
              "id": {"type":"string"},
              "title": {"type":"string"},
              "unit": {"type":"string"},
              "value": {"type":"boolean"}
            }
          }
        }
      }
    }
  },
  "GET /api/sandbox/clock": {"200":{"type":"object","required":["now"],"properties":{"now":{"type":"string","format":"date-time"}}}},
  "GET /api/sandbox/sms": {"200":{"type":"object","required":["items"],"properties":{"items":{"type":"array","items":{}}}}},
  "GET /api/shops/:id": {
    "200": {
      "type": "object",
      "required": ["id","name","status","createdAt","merchant","credit","links"],
      "properties": {
        "id": {"type":"string","format":"uuid"},
        "name": {"type":"string"},
        "status": {"type":"string"},
        "createdAt": {"type":"string","format":"date-time"},
        "merchant": merchantTrust,
        "credit": shopCredit,
        "links": {
          "type": "object",
          "required": ["products","reviews"],
          "properties": {"products":{"type":"string"},"reviews":{"type":"string"}}
        }
      }
    }
  },
  "GET /api/shops/:id/api-keys": {
    "200": {
      "type": "object",
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "name": {"type":"string"},
              "hint": {"type":"string"},
              "createdAt": {"type":"string","format":"date-time"},
              "revokedAt": {}
            }
          }
        }
      }
    }
  },
  "GET /api/shops/:id/balance": {
    "200": {
      "type": "object",
      "required": ["available","deposit","receivable","escrow","depositMinimum"],
      "properties": {
        "available": {"type":"number"},
        "deposit": {"type":"number"},
        "receivable": {"type":"number"},
        "escrow": {"type":"number"},
        "depositMinimum": {"type":"number"}
      }
    }
  },
  "GET /api/shops/:id/identity": {
    "200": {
      "type": "object",
      "required": ["verified","current"],
      "properties": {
        "verified": {"type":"boolean"},
        "current": {...shopIdentity,"type":["object","null"]}
      }
    }
  },
  "GET /api/shops/:id/payouts": {
    "200": {
      "type": "object",
      "required": ["items","total","limit","offset"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","amount","status","channel","account","failure","createdAt","completedAt"],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "amount": {"type":"integer"},
              "status": {"type":"string"},
              "channel": {"type":"string"},
              "account": {},
              "failure": {},
              "createdAt": {"type":"string","format":"date-time"},
              "completedAt": {"type":["string","null"],"format":"date-time"}
            }
          }
        },
        "total": {"type":"integer"},
        "limit": {"type":"integer"},
        "offset": {"type":"integer"}
      }
    }
  },
  "GET /api/shops/:id/products": {"200":{"type":"object","required":["items"],"properties":{"items":{"type":"array","items":productView}}}},
  "GET /api/shops/:id/reviews": {
    "200": {
      "type": "object",
      "required": ["items","total","rating","ratingCount"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","orderId","shopId","productId","productTitle","author","rating","comment","createdAt"],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "orderId": {"type":["string","null"],"format":"uuid"},
              "shopId": {"type":["string","null"],"format":"uuid"},
              "productId": {"type":["string","null"],"format":"uuid"},
              "productTitle": {"type":"string"},
              "author": {"type":"string"},
              "rating": {"type":["number","null"]},
              "comment": {"type":"string"},
              "createdAt": {"type":"string","format":"date-time"}
            }
          }
        },
        "total": {"type":"integer"},
        "rating": {"type":["number","null"]},
        "ratingCount": {"type":"integer"}
      }
    }
  },
  "GET /api/shops/:id/webhooks": {
    "200": {
      "type": "object",
      "required": ["items"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","url","events","createdAt"],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "url": {"type":"string"},
              "events": {"type":"array","items":{"type":"string"}},
              "createdAt": {"type":"string","format":"date-time"}
            }
          }
        }
      }
    }
  },
  "GET /api/shops/:id/webhooks/:webhookId/deliveries": {
    "200": {
      "type": "object",
      "required": ["items"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "required": [
              "id",
              "eventId",
              "type",
              "status",
              "attempts",
              "responseStatus",
              "responseExcerpt",
              "lastError",
              "nextAttemptAt",
              "createdAt",
              "deliveredAt"
            ],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "eventId": {"type":["string","null"],"format":"uuid"},
              "type": {"type":"string"},
              "status": {"type":"string"},
              "attempts": {"type":"integer"},
              "responseStatus": {"type":["number","null"]},
              "responseExcerpt": {"type":["string","null"]},
              "lastError": {"type":["string","null"]},
              "nextAttemptAt": {"type":["string","null"],"format":"date-time"},
              "createdAt": {"type":"string","format":"date-time"},
              "deliveredAt": {"type":["string","null"],"format":"date-time"}
            }
          }
        }
      }
    }
  },
  "GET /api/shops/mine": {
    "200": {
      "type": "object",
      "required": ["items"],
      "properties": {"items":{"type":"array","items":shopView}}
    }
  },
  "GET /api/staff/queue": {
    "200": {
      "type": "object",
      "required": ["items","total","limit","offset","filter"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "orderId": {"type":["string","null"],"format":"uuid"},
              "orderNo": {"type":"string"},
              "title": {"type":"string"},
              "shop": {"type":"string"},
              "status": {"type":"string"},
              "reason": {"type":["string","null"]},
              "amount": {"type":"integer"},
              "nextActor": {"type":"string"},
              "dueAt": {"type":["string","null"],"format":"date-time"},
              "overdue": {"type":"boolean"},
              "overdueAt": {},
              "appeal": {"type":"boolean"},
              "firstDeciderId": {},
              "createdAt": {"type":"string","format":"date-time"},
              "claim": {},
              "actions": {
                "type": "object",
                "properties": {
                  "decide": {"type":"boolean"},
                  "requestEvidence": {"type":"boolean"},
                  "claim": {"type":"boolean"},
                  "release": {"type":"boolean"},
                  "blockedBy": {}
                }
              }
            }
          }
        },
        "total": {"type":"integer"},
        "limit": {"type":"integer"},
        "offset": {"type":"integer"},
        "filter": {}
      }
    }
  },
  "GET /api/staff/refunds/waiting": {
    "200": {
      "type": "object",
      "required": ["items","count","totalAmount"],
      "properties": {
        "items": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "orderId": {"type":["string","null"],"format":"uuid"},
              "orderNo": {"type":"string"},
              "shopId": {"type":["string","null"],"format":"uuid"},
              "shopName": {"type":"string"},
              "caseId": {"type":["string","null"],"format":"uuid"},
              "caseReason": {"type":"string"},
              "amount": {"type":"integer"},
              "channel": {"type":"string"},
              "reason": {"type":["string","null"]},
              "since": {"type":"string","format":"date-time"}
            }
          }
        },
        "count": {"type":"integer"},
        "totalAmount": {"type":"integer"}
      }
    }
  },
  "PATCH /api/products/:id": {"200":productView},
  "POST /api/admin/fund/topups": {"201":{"type":"object","required":["fund"],"properties":{"fund":{"type":"number"}}}},
  "POST /api/admin/identities/:id/decision": {"200":shopIdentity},
  "POST /api/admin/rules": {
    "201": {
      "type": "object",
      "required": ["version","values"],
      "properties": {
        "version": {"type":"integer"},
        "values": {"type":"object","additionalProperties":{"type":["number","boolean"]}}
      }
    }
  },
  "POST /api/admin/shops/:id/suspension": {
    "200": {
      "type": "object",
      "required": ["id","name","status","ownerId","createdAt","suspensionReason"],
      "properties": {
        "id": {"type":"string","format":"uuid"},
        "name": {"type":"string"},
        "status": {"type":"string"},
        "ownerId": {"type":["string","null"],"format":"uuid"},
        "createdAt": {"type":"string","format":"date-time"},
        "suspensionReason": {}
      }
    }
  },
  "POST /api/admin/users": {"201":{"type":"object","properties":{"user":userView}}},
  "POST /api/admin/users/:id/risk": {"200":userView},
  "POST /api/admin/users/:id/status": {
    "200": {
      "type": "object",
      "properties": {
        ...userProperties,
        "status": {"type":"string"},
        "statusReason": {"type":"string"}
      }
    }
  },
  "POST /api/auth/login": {
    "200": {
      "type": "object",
      "required": ["token","csrfToken","user"],
      "properties": {"token":{"type":"string"},"csrfToken":{"type":"string"},"user":userView}
    }
  },
  "POST /api/auth/logout": {"200":{"type":"object","required":["ok"],"properties":{"ok":{"type":"boolean"}}}},
  "POST /api/auth/register": {
    "201": {
      "type": "object",
      "required": ["token","csrfToken","user"],
      "properties": {"token":{"type":"string"},"csrfToken":{"type":"string"},"user":userView}
    }
  },
  "POST /api/evidence": {
    "201": {
      "type": "object",
      "required": ["id","sha256","mime","size","kind"],
      "properties": {
        "id": {"type":"string","format":"uuid"},
        "sha256": {"type":"string"},
        "mime": {"type":"string"},
        "size": {"type":"integer"},
        "kind": {"type":["string","null"]}
      }
    }
  },
  "POST /api/me/phone": {"200":{"type":"object","required":["phone"],"properties":{"phone":{"type":["string","null"]}}}},
  "POST /api/notifications/read": {"200":{"type":"object","required":["updated"],"properties":{"updated":{"type":"number"}}}},
  "POST /api/orders": {
    "201": {
      "type": "object",
      "required": ["order","payment"],
      "properties": {
        "order": orderView,
        "payment": {
          "type": "object",
          "required": ["id","status","amount","channel"],
          "properties": {
            "id": {"type":"string","format":"uuid"},
            "status": {"type":"string"},
            "amount": {"type":"integer"},
            "channel": {"type":"string"},
            "payUrl": {"type":"string"}
          }
        },
        "guestToken": {"type":"string"}
      }
    }
  },
  "POST /api/orders/:id/cancel": {"200":orderView},
  "POST /api/orders/:id/confirm": {"200":orderView},
  "POST /api/orders/:id/deliver": {"200":orderView},
  "POST /api/orders/:id/keys/reveal": {
    "200": {
      "type": "object",
      "required": ["consentText","keys"],
      "properties": {
        "consentText": {"type":"string"},
        "keys": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["id","itemId","code","revealedAt"],
            "properties": {
              "id": {"type":"string","format":"uuid"},
              "itemId": {"type":["string","null"],"format":"uuid"},
              "code": {"type":"string"},
              "revealedAt": {"type":["string","null"],"format":"date-time"}
            }
          }
        }
      }
    }
  },
  "POST /api/orders/:id/messages": {
    "201": {
      "type": "object",
      "required": ["message","warnings"],
      "properties": {
        "message": {
          "type": "object",
          "required": ["id","sender","body","evidenceIds","createdAt","readAt","flags"],
          "properties": {
            "id": {"type":"string","format":"uuid"},
            "sender": {"type":"string"},
            "body": {"type":"string"},
            "evidenceIds": {"type":"array","items":{"type":["string","null"],"format":"uuid"}},
            "createdAt": {"type":"string","format":"date-time"},
            "readAt": {},
            "flags": {"type":"array","items":{"type":"string"}}
          }
        },
        "warnings": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["code","message","rule"],
            "properties": {"code":{"type":"string"},"message":{"type":"string"},"rule":{"type":"string"}}
          }
        }
      }
    }
  },
  "POST /api/orders/:id/refund-cases": {"201":refundCaseView},
  "POST /api/orders/:id/refund-cases/preview": {
    "200": {
      "type": "object",
      "properties": {
        "verdict": {
          "type": "object",
          "properties": {
            "kind": {"type":"string"},
            "route": {"type":"string"},
            "rule": {"type":"string"},
            "ruleVersion": {"type":"integer"},
            "amount": {"type":"integer"},
            "refund": {"type":"number"},
            "fee": {"type":"integer"},
            "notes": {"type":"array","items":{"type":"string"}},
            "mistake": {}
          }
        },
        "exchange": {},
        "warnings": {
          "type": "array",
          "items": {"type":"object","properties":{"code":{"type":"string"},"message":{"type":"string"}}}
        },
        "checklist": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["kind","label","required","byPlatform","provided"],
            "properties": {
              "kind": {"type":"string"},
              "label": {"type":"string"},
              "required": {"type":"boolean"},
              "byPlatform": {"type":"boolean"},
              "provided": {"type":"boolean"}
            }
          }
        },
        "prefilled": {
          "type": "object",
          "properties": {
            "order": caseOrder,
            "deliveryLog": caseDeliveryLog,
            "revealLog": caseRevealLog,
            "supplier": {},
            "refunds": {"type":"array","items":{}},
            "keyCheck": {"type":"array","items":{}}
          }
        }
      }
    }
  },
  "POST /api/orders/:id/review": {
    "201": {
      "type": "object",
      "required": ["id","orderId","shopId","productId","productTitle","author","rating","comment","createdAt"],
      "properties": {
        "id": {"type":"string","format":"uuid"},
        "orderId": {"type":["string","null"],"format":"uuid"},
        "shopId": {"type":["string","null"],"format":"uuid"},
        "productId": {"type":["string","null"],"format":"uuid"},
        "productTitle": {"type":"string"},
        "author": {"type":"string"},
        "rating": {"type":["number","null"]},
        "comment": {"type":"string"},
        "createdAt": {"type":"string","format":"date-time"}
      }
    }
  },
  "POST /api/orders/lookup": {
    "200": {
      "type": "object",
      "required": ["order","token","csrfToken"],
      "properties": {"order":orderView,"token":{"type":"string"},"csrfToken":{"type":"string"}}
    }
  },
  "POST /api/products": {"201":productView},
  "POST /api/products/:id/keys": {
    "200": {
      "type": "object",
      "required": ["imported","duplicates","stock"],
      "properties": {"imported":{"type":"number"},"duplicates":{"type":"number"},"stock":{"type":["integer","null"]}}
    }
  },
  "POST /api/refund-cases/:id/accept": {"200":refundCaseView},
  "POST /api/refund-cases/:id/appeal": {"200":refundCaseView},
  "POST /api/refund-cases/:id/claim": {"200":refundCaseView},
  "POST /api/refund-cases/:id/decision": {"200":refundCaseView},
  "POST /api/refund-cases/:id/escalate": {"200":refundCaseView},
  "POST /api/refund-cases/:id/evidence": {"200":refundCaseView},
  "POST /api/refund-cases/:id/evidence-requests": {"200":refundCaseView},
  "POST /api/refund-cases/:id/merchant-response": {"200":refundCaseView},
  "POST /api/refund-cases/:id/release": {"200":refundCaseView},
  "POST /api/refund-cases/:id/withdraw": {"200":refundCaseView},
  "POST /api/sandbox/clock/advance": {"200":{"type":"object","required":["now"],"properties":{"now":{"type":"string","format":"date-time"}}}},
  "POST /api/sandbox/payments/:id/succeed": {
    "200": {
      "type": "object",
      "required": ["payment","replayed"],
      "properties": {
        "payment": {
          "type": "object",
          "required": ["id","status","purpose","amount"],
          "properties": {
            "id": {"type":"string","format":"uuid"},
            "status": {"type":"string"},
            "purpose": {"type":"string"},
            "amount": {"type":"integer"}
          }
        },
        "replayed": {"type":"boolean"},
        "orderStatus": {"type":"string"}
      }
    }
  },
  "POST /api/sandbox/topups/:orderId/respond": {
    "200": {
      "type": "object",
      "required": ["status","refunded","replayed"],
      "properties": {"status":{"type":"string"},"refunded":{"type":"integer"},"replayed":{"type":"boolean"}}
    }
  },
  "POST /api/sandbox/users": {"201":{"type":"object","required":["user"],"properties":{"user":userView}}},
  "POST /api/shops": {"201":shopView},
  "POST /api/shops/:id/api-keys": {
    "201": {
      "type": "object",
      "required": ["id","name","key","hint","shopId","createdAt"],
      "properties": {
        "id": {"type":"string","format":"uuid"},
        "name": {"type":"string"},
        "key": {"type":"string"},
        "hint": {"type":"string"},
        "shopId": {"type":["string","null"],"format":"uuid"},
        "createdAt": {"type":"string","format":"date-time"}
      }
    }
  },
  "POST /api/shops/:id/deposit": {
    "201": {
      "type": "object",
      "required": ["payment"],
      "properties": {
        "payment": {
          "type": "object",
          "required": ["id","purpose","status","amount","channel","payUrl","orderId","shopId","createdAt"],
          "properties": {
            "id": {"type":"string","format":"uuid"},
            "purpose": {"type":"string"},
            "status": {"type":"string"},
            "amount": {"type":"integer"},
            "channel": {"type":"string"},
            "payUrl": {"type":"string"},
            "orderId": {},
            "shopId": {"type":["string","null"],"format":"uuid"},
            "createdAt": {"type":"string","format":"date-time"}
          }
        }
      }
    }
  },
  "POST /api/shops/:id/identity": {"201":shopIdentity},
  "POST /api/shops/:id/webhooks": {
    "201": {
      "type": "object",
      "required": ["id","url","events","secret","createdAt"],
      "properties": {
        "id": {"type":"string","format":"uuid"},
        "url": {"type":"string"},
        "events": {"type":"array","items":{"type":"string"}},
        "secret": {"type":"string"},
        "createdAt": {"type":"string","format":"date-time"}
      }
    }
  },
  "POST /api/shops/:id/withdrawals": {
    "201": {
      "type": "object",
      "required": ["withdrawal","available"],
      "properties": {
        "withdrawal": {
          "type": "object",
          "required": ["id","amount","status","channel","failure","at"],
          "properties": {
            "id": {"type":"string","format":"uuid"},
            "amount": {"type":"integer"},
            "status": {"type":"string"},
            "channel": {"type":"string"},
            "failure": {},
            "at": {"type":"string","format":"date-time"}
          }
        },
        "available": {"type":"number"}
      }
    }
  },
  "POST /api/wallet/topups": {
    "201": {
      "type": "object",
      "required": ["payment"],
      "properties": {
        "payment": {
          "type": "object",
          "required": ["id","purpose","status","amount","channel","payUrl","orderId","shopId","createdAt"],
          "properties": {
            "id": {"type":"string","format":"uuid"},
            "purpose": {"type":"string"},
            "status": {"type":"string"},
            "amount": {"type":"integer"},
            "channel": {"type":"string"},
            "payUrl": {"type":"string"},
            "payAction": {"type":"object","properties":{"kind":{"type":"string"},"url":{"type":"string"}}},
            "orderId": {},
            "shopId": {},
            "createdAt": {"type":"string","format":"date-time"}
          }
        }
      }
    }
  },
};
