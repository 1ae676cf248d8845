def total_price(prices, tax):
    subtotal = sum(prices)
        taxed = subtotal * (1 + tax)
    return round(taxed, 2)
