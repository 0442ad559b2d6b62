/**
 * One per agent, shared by every lane: which lane holds which card and vehicle right now.
 * PROTOCOLS.md anti-cheat: one card (or one vehicle) cannot stand on two decks at once; a second
 * presentation elsewhere is a cloned or passed-on card (CARD_AT_TWO_LANES).
 */
export interface CardClaim {
  card: string | null; // null for a keyed weighing identified by plate only
  plate: string;
}

export class CardRegistry {
  private readonly byCard = new Map<string, string>(); // uid → lane
  private readonly byPlate = new Map<string, string>(); // plate → lane

  /** The other lane holding this card or vehicle, or null when `lane` may take it. */
  heldElsewhere(claim: CardClaim, lane: string): string | null {
    const cardLane = claim.card ? this.byCard.get(claim.card) : undefined;
    if (cardLane && cardLane !== lane) return cardLane;
    const plateLane = this.byPlate.get(claim.plate);
    if (plateLane && plateLane !== lane) return plateLane;
    return null;
  }

  /** Takes the card and vehicle for `lane`; false (and nothing taken) when another lane holds either. */
  claim(claim: CardClaim, lane: string): boolean {
    if (this.heldElsewhere(claim, lane)) return false;
    if (claim.card) this.byCard.set(claim.card, lane);
    this.byPlate.set(claim.plate, lane);
    return true;
  }

  /** Lets go of whatever `lane` holds (the vehicle left, was refused, or the lane faulted). */
  releaseLane(lane: string): void {
    for (const m of [this.byCard, this.byPlate]) {
      for (const [key, holder] of m) if (holder === lane) m.delete(key);
    }
  }

  holderOf(card: string): string | null {
    return this.byCard.get(card) ?? null;
  }

  /** The lane weighing this vehicle right now, if any: its open ticket must not be voided under it. */
  laneHolding(plate: string): string | null {
    return this.byPlate.get(plate) ?? null;
  }
}
